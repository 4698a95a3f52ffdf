export { GroupMember, type OutgoingCommit } from './mls/member.ts'
export { fromBase64, toBase64 } from './mls/wire.ts'
export {
  GroupSession,
  type E2eeStatus,
  type MlsClientMessage,
  type SessionOutput,
  type SessionTiming,
} from './session/group-session.ts'
export { FrameDecryptError, FrameDecryptor, FrameEncryptor, type EpochSecret } from './sframe/frame-crypto.ts'
export type { Codec } from './sframe/clear-prefix.ts'
