import * as z from 'zod'
import { LoggedEvent } from './events.ts'
import { MlsClientMessages, MlsServerMessages } from './mls.ts'
import { RoomState, RoomUserId, UserPatch } from './room.ts'

/** Largest WebSocket frame a room accepts; bigger ones are refused before parsing. */
export const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024
export const MAX_CHAT_LENGTH = 2000

/** Per-socket flood control: a bucket of this many messages, refilled at this rate. */
export const RATE_LIMIT_BURST = 60
export const RATE_LIMIT_PER_SECOND = 20

/** An entry of partytracks' API history, kept by the page for its debug view and problem reports. */
export const ApiHistoryEntry = z.union([
  z.object({
    type: z.literal('request'),
    method: z.string().max(10),
    endpoint: z.string().max(2048),
    body: z.unknown(),
  }),
  z.object({ type: z.literal('response'), endpoint: z.string().max(2048), body: z.unknown() }),
])
export type ApiHistoryEntry = z.infer<typeof ApiHistoryEntry>

const UserId = z.string().min(1).max(64)

/** What a browser may send a room: Orange Meets' messages, plus chat and hands. */
export const ClientMessage = z.discriminatedUnion('type', [
  /**
   * `e2ee` is the host's choice for the meeting (default on): read only from the join that opens
   * it, whose sender becomes host; later joins take the meeting as it is.
   */
  z.object({ type: z.literal('userUpdate'), user: UserPatch, e2ee: z.boolean().optional() }),
  z.object({ type: z.literal('directMessage'), to: UserId, message: z.string().trim().min(1).max(MAX_CHAT_LENGTH) }),
  z.object({ type: z.literal('chatMessage'), message: z.string().trim().min(1).max(MAX_CHAT_LENGTH) }),
  z.object({ type: z.literal('muteUser'), id: UserId }),
  /** The host's controls; anyone else is refused with `forbidden`. */
  z.object({ type: z.literal('askToUnmute'), id: UserId }),
  z.object({ type: z.literal('removeUser'), id: UserId }),
  z.object({ type: z.literal('makeHost'), id: UserId }),
  z.object({ type: z.literal('lockRoom'), locked: z.boolean() }),
  z.object({ type: z.literal('endMeeting') }),
  /** The host puts one person on everyone's stage (`spotlight`), or takes them off it (`endSpotlight`). */
  z.object({ type: z.literal('spotlight'), id: UserId }),
  z.object({ type: z.literal('endSpotlight') }),
  z.object({ type: z.literal('raiseHand') }),
  z.object({ type: z.literal('lowerHand') }),
  z.object({ type: z.literal('userLeft') }),
  z.object({ type: z.literal('heartbeat') }),
  z.object({ type: z.literal('partyserver-ping') }),
  ...MlsClientMessages,
])
export type ClientMessage = z.infer<typeof ClientMessage>
export type ClientMessageType = ClientMessage['type']

export const RoomErrorCode = z.enum([
  'invalid_json',
  'invalid_message',
  'message_too_large',
  /** A verified name (Access, the user directory) is not the client's to change. */
  'name_locked',
  'rate_limited',
  'not_joined',
  'unknown_user',
  'conflict',
  'internal',
  /** Only the host may do that. */
  'forbidden',
  'room_locked',
  'room_full',
  'too_many_connections',
  /** The host removed you (or another tab of yours) from this meeting. */
  'removed',
  /** The MLS group is not at the epoch your Commit was made in: catch up on the log and commit again. */
  'stale_epoch',
  /** This meeting is not end-to-end encrypted: it has no MLS group. */
  'e2ee_off',
  /** An MLS message that is not what it claims (framing, group, epoch), or a Commit from someone not holding the group. */
  'bad_mls',
  /** This meeting is end-to-end encrypted: what needs the media in the clear (the AI) cannot take part. */
  'e2ee_on',
])
export type RoomErrorCode = z.infer<typeof RoomErrorCode>

/**
 * Close codes of the room socket (the 4000s are the application's). Those in
 * FINAL_ROOM_CLOSE_CODES mean "do not reconnect": the page says why instead.
 */
export const RoomCloseCode = {
  timedOut: 4001,
  removed: 4003,
  meetingEnded: 4004,
  roomFull: 4009,
  tooManyConnections: 4029,
} as const
export const FINAL_ROOM_CLOSE_CODES: readonly number[] = [
  RoomCloseCode.removed,
  RoomCloseCode.meetingEnded,
  RoomCloseCode.roomFull,
  RoomCloseCode.tooManyConnections,
]

/** Query of the room socket: `since` resumes after the last log position the client saw. */
export const RoomSocketQuery = z.object({
  since: z.coerce.number().int().nonnegative().optional(),
  /** partysocket's connection id: the user's id for this tab, kept across reconnects. */
  _pk: RoomUserId.optional(),
})
export type RoomSocketQuery = z.infer<typeof RoomSocketQuery>

/** What a room sends a browser. */
export const ServerMessage = z.discriminatedUnion('type', [
  /**
   * On connect, and when this socket's user joins or leaves the meeting: the state as of log
   * position `seq` as this socket may see it (a lobby's has no media ids and no chat), and who it is.
   */
  z.object({ type: z.literal('roomState'), seq: z.number().int().nonnegative(), you: UserId, state: RoomState }),
  /** On reconnect with `since`: the events after it this socket may see, and the position they bring it to. */
  z.object({
    type: z.literal('replay'),
    you: UserId,
    events: z.array(LoggedEvent),
    seq: z.number().int().nonnegative(),
  }),
  /** Afterwards: each event as it is appended. */
  z.object({ type: z.literal('event'), event: LoggedEvent }),
  /** An event this socket may not see (chat to a lobby, someone else's direct message): only its position. */
  z.object({ type: z.literal('withheld'), seq: z.number().int().positive() }),
  z.object({ type: z.literal('error'), code: RoomErrorCode, error: z.string() }),
  ...MlsServerMessages,
  z.object({ type: z.literal('partyserver-pong') }),
])
export type ServerMessage = z.infer<typeof ServerMessage>
