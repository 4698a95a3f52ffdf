import * as z from 'zod'
import { MlsBytes, MlsEpoch, MlsGroupId } from './mls.ts'
import { LoggedName, UserPatch } from './room.ts'

/**
 * The room's event log: what happened, in past tense, shaped `{ type, data, metadata }`.
 * A shipped event shape never changes; a new shape is a new type (or a new schemaVersion).
 */
const UserId = z.string().min(1).max(64)
const MeetingId = z.string().min(1).max(64)
/** An operator as the log names them: their Access email, or "token" (`operatorName`). */
const OperatorName = z.string().min(1).max(254)

export const EventMetadata = z.object({
  /** When the command that produced the event was accepted, ISO 8601. */
  at: z.iso.datetime(),
  /** The user (connection) or service that caused it: `user:<id>`, `system`, `service:ai`, `operator`. */
  actor: z.string().max(80),
  schemaVersion: z.literal(1),
})
export type EventMetadata = z.infer<typeof EventMetadata>

const event = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type: z.literal(type), data, metadata: EventMetadata })

export const RoomEvent = z.discriminatedUnion('type', [
  /** `e2ee`, the host's choice on opening, came later: absent in older events, which were all unencrypted. */
  event('MeetingStarted', z.object({ meetingId: MeetingId, e2ee: z.boolean().optional() })),
  event('MeetingEnded', z.object({ meetingId: MeetingId, peakUserCount: z.number().int().nonnegative() })),
  /** A socket of the user's opened: they are in the room, in its lobby until they join the meeting. */
  // `verified` came later: absent in older events, which were all unverified.
  event('UserConnected', z.object({ userId: UserId, name: LoggedName, verified: z.boolean().optional() })),
  event('UserUpdated', z.object({ userId: UserId, patch: UserPatch.extend({ name: LoggedName.optional() }) })),
  /** Their last word was goodbye (`left`) or their socket went quiet (`timeout`): out of the room. */
  event('UserDisconnected', z.object({ userId: UserId, reason: z.enum(['left', 'timeout']) })),
  event('UserMuted', z.object({ userId: UserId, by: UserId })),
  event('HandRaised', z.object({ userId: UserId })),
  event('HandLowered', z.object({ userId: UserId })),
  event(
    'ChatMessageSent',
    z.object({ messageId: z.string().min(1).max(64), userId: UserId, name: LoggedName, message: z.string() }),
  ),
  event(
    'DirectMessageSent',
    z.object({ messageId: z.string().min(1).max(64), from: UserId, to: UserId, message: z.string() }),
  ),
  event('AiInvited', z.object({ by: UserId, instructions: z.string().optional(), voice: z.string().optional() })),
  event('AiJoined', z.object({ sessionId: z.string().max(64), trackName: z.string().max(200) })),
  event('AiFailed', z.object({ error: z.string().max(500) })),
  event('AiDismissed', z.object({ by: z.string().max(80) })),
  event('AiControlTaken', z.object({ userId: UserId })),
  event('AiControlReleased', z.object({ userId: UserId })),
  /** `by` is absent when the room chose: the first to join, or the longest present after the host left. */
  event('HostAssigned', z.object({ userId: UserId, by: UserId.optional() })),
  event('UnmuteRequested', z.object({ userId: UserId, by: UserId })),
  /** `key` is what stays barred until the meeting ends: the person's user key, or their user id. */
  event('UserRemoved', z.object({ userId: UserId, by: UserId, key: z.string().min(1).max(64) })),
  event('RoomLocked', z.object({ by: UserId })),
  event('RoomUnlocked', z.object({ by: UserId })),
  /** The host put `userId` on everyone's stage; it lasts until the host ends it or `userId` leaves the meeting. */
  event('UserSpotlighted', z.object({ userId: UserId, by: UserId })),
  /** The host took the spotlight off (leaving the meeting ends it without an event: the fold clears it). */
  event('SpotlightEnded', z.object({ by: UserId })),
  /** Everyone in the meeting is out; a `MeetingEnded` follows, as when the last person leaves. */
  event('MeetingEndedForAll', z.object({ meetingId: MeetingId, by: UserId })),
  /** An operator (the ops dashboard) took someone out, barring `key` as the host's removal does. */
  event('UserRemovedByOperator', z.object({ userId: UserId, operator: OperatorName, key: z.string().min(1).max(64) })),
  /** An operator ended the meeting for everyone in it; a `MeetingEnded` follows. */
  event('MeetingEndedByOperator', z.object({ meetingId: MeetingId, operator: OperatorName })),
  /**
   * The one Commit the room took for its epoch: `epoch` is the one it moves the group to; `adds`,
   * those its Welcome is for, hold the group from now on (absent when it adds nobody).
   */
  event('MlsCommitted', z.object({ by: UserId, epoch: MlsEpoch, commit: MlsBytes, adds: z.array(UserId).optional() })),
  /** The Welcome of that Commit, for those it adds (and its sender) only; it changes no state. */
  event('MlsWelcomed', z.object({ by: UserId, to: z.array(UserId), epoch: MlsEpoch, welcome: MlsBytes })),
  /**
   * The meeting's people hold no MLS group (it has just opened, or everyone who held it has left):
   * `creator`, the longest joined, starts one alone at epoch 0 under `groupId`; the others ask to be added.
   */
  event('MlsGroupStarted', z.object({ creator: UserId, groupId: MlsGroupId })),
  /** `userId` sent a KeyPackage while holding the group: their client lost it (a reload) and asks to be added again. */
  event('MlsMemberLost', z.object({ userId: UserId })),
])
export type RoomEvent = z.infer<typeof RoomEvent>
export type RoomEventType = RoomEvent['type']
export type RoomEventOf<T extends RoomEventType> = Extract<RoomEvent, { type: T }>

/**
 * Event types the log once wrote under another name, and the name each has now. A stored event
 * never changes, so an old log keeps its old names: they are read as the new ones.
 */
const RENAMED = new Map<string, RoomEventType>([
  // "Joined" is for the meeting (UserUpdated with `joined`): this is a socket arriving in the room.
  ['UserJoined', 'UserConnected'],
  ['UserLeft', 'UserDisconnected'],
])

function upcast(row: unknown): unknown {
  if (typeof row !== 'object' || row === null || !('type' in row) || typeof row.type !== 'string') return row
  const type = RENAMED.get(row.type)
  return type ? { ...row, type } : row
}

/** An event as stored and sent: with its position in the room's log. */
export const LoggedEvent = z.preprocess(
  upcast,
  z.intersection(z.object({ seq: z.number().int().positive() }), RoomEvent),
)
export type LoggedEvent = RoomEvent & { seq: number }

/** Events only some users may see; every other event goes to everyone in the room. */
export function audienceOf(event: RoomEvent): readonly string[] | 'everyone' {
  if (event.type === 'DirectMessageSent') return [event.data.from, event.data.to]
  if (event.type === 'UnmuteRequested') return [event.data.by, event.data.userId]
  if (event.type === 'MlsWelcomed') return [event.data.by, ...event.data.to]
  return 'everyone'
}
