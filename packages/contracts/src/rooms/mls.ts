import * as z from 'zod'

/**
 * The room as MLS delivery service (RFC 9420): it orders and relays handshake messages it cannot
 * read. Every MLS message crosses the room socket as opaque base64; the only thing the room reads
 * is the epoch number the sender declares, which decides the order and nothing else.
 */

/** Longest base64 MLS message one field may carry; the whole frame is capped lower still. */
export const MAX_MLS_MESSAGE_CHARS = 12 * 1024

/** An MLS message (KeyPackage, Commit, Welcome) as padded base64: the room never decodes it. */
export const MlsBytes = z
  .string()
  .min(4)
  .max(MAX_MLS_MESSAGE_CHARS)
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'base64')

/** An MLS group epoch as the sender declares it. */
export const MlsEpoch = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)

const UserId = z.string().min(1).max(64)

/** A Welcome for the people a Commit adds: delivered to them only, and only if the Commit is accepted. */
export const MlsWelcome = z.object({
  to: z.array(UserId).min(1).max(100),
  payload: MlsBytes,
})
export type MlsWelcome = z.infer<typeof MlsWelcome>

/** What a joined client sends in an E2EE meeting. */
export const MlsClientMessages = [
  /**
   * A KeyPackage asking to be added (again, with `lost`: the room has the sender holding the group but
   * their client lost it, as on a reload). Relayed to the meeting, never logged.
   */
  z.object({ type: z.literal('mlsKeyPackage'), payload: MlsBytes, lost: z.literal(true).optional() }),
  /**
   * A Commit made at `epoch`, the group's epoch as the sender holds it. The room takes one per
   * epoch: the first one at the room's epoch; any other is refused with `stale_epoch`.
   */
  z.object({ type: z.literal('mlsCommit'), epoch: MlsEpoch, commit: MlsBytes, welcome: MlsWelcome.optional() }),
] as const

/** What the room relays without logging it. */
export const MlsServerMessages = [
  z.object({ type: z.literal('mlsKeyPackage'), from: UserId, payload: MlsBytes }),
] as const

/** The meeting's MLS group id, as the room names it: `{meetingId}/{seq of MlsGroupStarted}`. */
export const MlsGroupId = z.string().min(1).max(128)
