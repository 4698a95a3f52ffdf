import { z } from 'zod'
import { DisplayName, RoomState, TrackRef, UserTracks } from './room.ts'

/** Largest WebSocket frame a room accepts; bigger ones are refused before parsing. */
export const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024
export const MAX_CHAT_LENGTH = 2000

/** An entry of partytracks' API history, relayed for the debug view. */
export const ApiHistoryEntry = z.union([
  z.object({ type: z.literal('request'), method: z.string().max(10), endpoint: z.string().max(2048), body: z.unknown() }),
  z.object({ type: z.literal('response'), endpoint: z.string().max(2048), body: z.unknown() }),
])
export type ApiHistoryEntry = z.infer<typeof ApiHistoryEntry>

/** What a browser may send a room. Orange Meets' messages, plus chat and hands. */
export const ClientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('userUpdate'),
    user: z.object({
      name: DisplayName.optional(),
      transceiverSessionId: z.string().max(64).optional(),
      speaking: z.boolean().optional(),
      joined: z.boolean().optional(),
      raisedHand: z.boolean().optional(),
      tracks: UserTracks.partial().optional(),
    }),
  }),
  z.object({ type: z.literal('directMessage'), to: z.string().min(1).max(64), message: z.string().min(1).max(MAX_CHAT_LENGTH) }),
  z.object({ type: z.literal('chatMessage'), message: z.string().trim().min(1).max(MAX_CHAT_LENGTH) }),
  z.object({ type: z.literal('muteUser'), id: z.string().min(1).max(64) }),
  z.object({ type: z.literal('raiseHand') }),
  z.object({ type: z.literal('lowerHand') }),
  z.object({ type: z.literal('userLeft') }),
  z.object({ type: z.literal('heartbeat') }),
  z.object({ type: z.literal('partyserver-ping') }),
  z.object({ type: z.literal('e2eeMlsMessage'), payload: z.string().max(MAX_CLIENT_MESSAGE_BYTES) }),
  z.object({
    type: z.literal('enableAi'),
    instructions: z.string().max(4000).optional(),
    voice: z.string().max(32).optional(),
  }),
  z.object({ type: z.literal('disableAi') }),
  z.object({
    type: z.literal('requestAiControl'),
    track: z.object({ sessionId: z.string().max(64), trackName: TrackRef }),
  }),
  z.object({ type: z.literal('relinquishAiControl') }),
  z.object({ type: z.literal('callsApiHistoryEntry'), entry: ApiHistoryEntry, sessionId: z.string().max(64).optional() }),
])
export type ClientMessage = z.infer<typeof ClientMessage>
export type ClientMessageType = ClientMessage['type']

export const RoomErrorCode = z.enum([
  'invalid_json',
  'invalid_message',
  'message_too_large',
  'rate_limited',
  'not_joined',
  'unknown_user',
  'forbidden',
  'internal',
])
export type RoomErrorCode = z.infer<typeof RoomErrorCode>

/** What a room sends a browser. `seq` is the room log position the message reflects. */
export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('roomState'), seq: z.number().int().nonnegative(), state: RoomState }),
  z.object({ type: z.literal('error'), code: RoomErrorCode, error: z.string() }),
  z.object({ type: z.literal('directMessage'), from: z.string(), message: z.string() }),
  z.object({
    type: z.literal('chatMessage'),
    seq: z.number().int().nonnegative(),
    id: z.string(),
    from: z.string(),
    name: z.string(),
    message: z.string(),
    at: z.iso.datetime(),
  }),
  z.object({ type: z.literal('muteMic') }),
  z.object({ type: z.literal('partyserver-pong') }),
  z.object({ type: z.literal('e2eeMlsMessage'), payload: z.string() }),
  z.object({ type: z.literal('userLeftNotification'), id: z.string() }),
  z.object({ type: z.literal('aiSdp'), sdp: z.string() }),
])
export type ServerMessage = z.infer<typeof ServerMessage>
