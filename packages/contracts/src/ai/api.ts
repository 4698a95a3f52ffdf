import * as z from 'zod'
import { RoomErrorCode } from '../rooms/messages.ts'
import { RoomName, RoomState, RoomUserId } from '../rooms/room.ts'

/**
 * The AI participant: what the browser asks of the ai Worker (through the gateway), what the ai
 * Worker asks of the room, and the OpenAI Realtime settings it runs with (calls-api.md, section D).
 */

/** The AI's sendrecv transceiver on its third-party Calls session, as Orange names it. */
export const AI_TRACK_NAME = 'ai-generated-voice'

/**
 * The AI service wherever an owner or an actor is named: the owner of its third-party Calls
 * sessions in a room's media (browser user ids are `[A-Za-z0-9_-]{8,64}`, so none can be this)
 * and the actor of the commands it sends a room.
 */
export const AI_SERVICE = 'service:ai'

/** OpenAI's Realtime voices. */
export const AiVoice = z.enum(['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'])
export type AiVoice = z.infer<typeof AiVoice>

export const MAX_AI_INSTRUCTIONS = 4000

/** Why an end-to-end encrypted meeting refuses the AI: the room's refusal and the page's Invite button both say it. */
export const AI_REFUSED_IN_E2EE =
  'This meeting is end-to-end encrypted: the AI cannot decrypt what is said, so it cannot be invited'

export const InviteAiRequest = z.strictObject({
  user: RoomUserId,
  instructions: z.string().trim().max(MAX_AI_INSTRUCTIONS).optional(),
  voice: AiVoice.optional(),
})
export type InviteAiRequest = z.infer<typeof InviteAiRequest>

export const AiUserRequest = z.strictObject({ user: RoomUserId })
export type AiUserRequest = z.infer<typeof AiUserRequest>

/**
 * Push-to-talk: the track the AI should hear, which the caller publishes for this purpose
 * (`{sessionId}` of the caller's Calls session, `trackName` within it).
 */
export const AiControlRequest = z.strictObject({
  user: RoomUserId,
  track: z.strictObject({ sessionId: z.string().min(1).max(64), trackName: z.string().min(1).max(200) }),
})
export type AiControlRequest = z.infer<typeof AiControlRequest>

export const AiSessionResponse = z.object({ sessionId: z.string(), trackName: z.string() })
export type AiSessionResponse = z.infer<typeof AiSessionResponse>

/** OpenAI's id of a Realtime call: the last segment of the `Location` the call was made with. */
export const OpenAiCallId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/)

/** What the AI holds open while it is in a room: its third-party Calls session and its OpenAI call. */
export const AiCall = z.object({ sessionId: z.string().min(1).max(64), callId: OpenAiCallId.optional() })
export type AiCall = z.infer<typeof AiCall>

/**
 * Queue `tangerine-ai-ended`: the room ended the AI by itself (the meeting emptied), so the ai
 * Worker must close what it holds open. `id` is the AiDismissed event's place in the log (`room:seq`), for logs.
 */
export const AiEndedMessage = z.object({
  id: z.string().min(1).max(200),
  room: z.string().min(1).max(64),
  call: AiCall,
})
export type AiEndedMessage = z.infer<typeof AiEndedMessage>

/** What the ai Worker asks the room to decide; the room's own rules (one controller…) apply. */
export const RoomAiCommand = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('InviteAi'),
    by: z.string().min(1).max(64),
    instructions: z.string().max(MAX_AI_INSTRUCTIONS).optional(),
    voice: AiVoice.optional(),
  }),
  z.object({
    type: z.literal('CompleteAi'),
    sessionId: z.string().min(1).max(64),
    trackName: z.string().min(1).max(200),
    /** The OpenAI call to hang up when the AI goes; kept by the room, never shown to anyone. */
    callId: OpenAiCallId.optional(),
  }),
  z.object({ type: z.literal('FailAi'), error: z.string().min(1).max(500) }),
  z.object({ type: z.literal('DismissAi'), by: z.string().min(1).max(80) }),
  z.object({ type: z.literal('TakeAiControl'), userId: z.string().min(1).max(64) }),
  z.object({ type: z.literal('ReleaseAiControl'), userId: z.string().min(1).max(64) }),
])
export type RoomAiCommand = z.infer<typeof RoomAiCommand>

export const RoomAiResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    seq: z.number().int().nonnegative(),
    state: RoomState,
    /** Set when this command ended the AI: what the caller must now close at Calls and OpenAI. */
    ended: AiCall.optional(),
  }),
  z.object({ ok: z.literal(false), code: RoomErrorCode, error: z.string() }),
])
export type RoomAiResult = z.infer<typeof RoomAiResult>

/**
 * How the AI knows someone finished speaking. Push-to-talk here gates what the AI hears (only
 * the holder's mic reaches its transceiver); nothing else can tell it to answer: its Calls session
 * carries audio only, no data channel for `input_audio_buffer.commit` and `response.create`, which
 * `turn_detection: null` (manual turns) would need. So server VAD, set explicitly rather than left
 * to OpenAI's default: answer after a pause, and stop answering when the holder speaks again
 * (https://developers.openai.com/api/reference/resources/realtime/client-events, session.update:
 * `audio.input.turn_detection`).
 */
export const AiTurnDetection = z.object({
  type: z.literal('server_vad'),
  create_response: z.literal(true),
  interrupt_response: z.literal(true),
  silence_duration_ms: z.number().int().min(200).max(2000),
})
export type AiTurnDetection = z.infer<typeof AiTurnDetection>

/**
 * The `session` part of `POST /v1/realtime/calls` (multipart, beside `sdp`): the Realtime
 * session object, whose `type` is required and always "realtime"
 * (https://developers.openai.com/api/reference/ruby/resources/realtime/subresources/calls/methods/create).
 */
export const OpenAiSessionConfig = z.object({
  type: z.literal('realtime'),
  model: z.string().min(1),
  instructions: z.string().optional(),
  audio: z.object({
    input: z.object({ turn_detection: AiTurnDetection }),
    output: z.object({ voice: AiVoice }),
  }),
})
export type OpenAiSessionConfig = z.infer<typeof OpenAiSessionConfig>

/**
 * The header the Realtime API reads a safety identifier from: a stable, hashed id of the person
 * on whose behalf the call is made (https://developers.openai.com/api/docs/guides/safety-checks).
 */
export const OPENAI_SAFETY_IDENTIFIER_HEADER = 'OpenAI-Safety-Identifier'

/** Enough of an SDP answer to hand to Calls: a session description with an audio section. */
export const SdpAnswerText = z
  .string()
  .max(64 * 1024)
  .refine((sdp) => /^v=0\r?\n/.test(sdp) && /\r?\nm=audio /.test(sdp), 'not an SDP description with an audio section')

/** services/media's third-party session routes, used by the ai Worker only (never the browser). */
export const ThirdPartyQuery = z.object({
  room: RoomName,
  /** On `tracks/new`: every remote track must come from a session this room user created. */
  owner: RoomUserId.optional(),
})
export type ThirdPartyQuery = z.infer<typeof ThirdPartyQuery>
