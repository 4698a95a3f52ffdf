export { GroupMember, type OutgoingCommit } from './mls/member.ts'
export { fromBase64, toBase64 } from './mls/wire.ts'
export { FrameDecryptError, FrameDecryptor, FrameEncryptor, type EpochSecret } from './sframe/frame-crypto.ts'
export type { Codec } from './sframe/clear-prefix.ts'
