import {
  AI_TRACK_NAME,
  type AiSessionResponse,
  type InviteAiRequest,
  type RoomAiResult,
} from '@tangerine/contracts/ai/api'
import { log } from '@tangerine/contracts/log'
import { openAiConfig } from '../openai/config.ts'
import { AiEndpointError, answerFromOpenAi, safetyIdentifier } from '../openai/realtime.ts'
import { aiCalls, CallsStepError } from './calls.ts'
import { endAiCall } from './end.ts'
import { decideInRoom } from './room.ts'

export type InviteOutcome =
  | { ok: true; session: AiSessionResponse }
  | { ok: false; refused: Extract<RoomAiResult, { ok: false }> }
  | { ok: false; failed: string; sessionId?: string }

/**
 * Brings the AI into the room: the room records the invitation (everyone sees it pending), then
 * a third-party Calls session offers a sendrecv audio track, the Realtime endpoint answers it,
 * and the room records the AI as joined. Any failure closes what was opened and is recorded as
 * the AI's error, which everyone sees. `inviterKey` is the inviter's user key (their room user
 * id for an anonymous guest, who has none), which OpenAI gets hashed as the safety identifier.
 */
export async function inviteAi(
  env: AiEnv,
  room: string,
  request: InviteAiRequest,
  inviterKey: string,
): Promise<InviteOutcome> {
  const invited = await decideInRoom(env, room, {
    type: 'InviteAi',
    by: request.user,
    instructions: request.instructions,
    voice: request.voice,
  })
  if (!invited.ok) return { ok: false, refused: invited }

  const calls = aiCalls(env, room)
  let sessionId: string | undefined
  let callId: string | undefined
  try {
    const configured = openAiConfig(env)
    if (!configured.ok) throw new AiEndpointError(configured.error)
    sessionId = await calls.newSession()
    const offer = await calls.offerVoice(sessionId)
    const answer = await answerFromOpenAi(configured.config, offer.sdp, {
      instructions: request.instructions,
      voice: request.voice,
      safetyIdentifier: await safetyIdentifier(inviterKey),
    })
    callId = answer.callId
    await calls.answer(sessionId, answer.sdp)
    const joined = await decideInRoom(env, room, { type: 'CompleteAi', sessionId, trackName: AI_TRACK_NAME, callId })
    // Dismissed while it was being set up: what was made goes away again.
    if (!joined.ok) throw new AiEndpointError('The AI was dismissed before it joined')
    log('info', 'ai joined', { room, sessionId })
    return { ok: true, session: { sessionId, trackName: AI_TRACK_NAME } }
  } catch (err) {
    if (err instanceof AiEndpointError && err.callId) callId = err.callId
    const error =
      err instanceof AiEndpointError || err instanceof CallsStepError
        ? err.message
        : 'The AI could not join (internal error)'
    log('warn', 'ai invite failed', { room, sessionId, error, cause: err instanceof Error ? err.name : undefined })
    if (sessionId)
      await endAiCall(env, room, { sessionId, callId }).catch((e: unknown) =>
        log('error', 'ai cleanup failed', { room, sessionId, error: String(e) }),
      )
    await decideInRoom(env, room, { type: 'FailAi', error })
    return { ok: false, failed: error, sessionId }
  }
}
