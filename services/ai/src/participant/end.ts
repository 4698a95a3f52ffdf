import type { AiCall } from '@tangerine/contracts/ai/api'
import { log } from '@tangerine/contracts/log'
import { openAiConfig } from '../openai/config.ts'
import { hangUp } from '../openai/realtime.ts'
import { aiCalls } from './calls.ts'

/**
 * Ends what the AI held open in a room: every track of its third-party Calls session, then its
 * OpenAI call. Both steps are tried; a failure of either is thrown after, so a queue retries.
 * Safe to repeat: a closed session and an ended call count as done.
 */
export async function endAiCall(env: AiEnv, room: string, call: AiCall): Promise<void> {
  const failures: string[] = []
  await aiCalls(env, room)
    .closeAll(call.sessionId)
    .catch((err: unknown) => failures.push(`Calls: ${String(err)}`))
  const configured = openAiConfig(env)
  if (call.callId && configured.ok) {
    await hangUp(configured.config, call.callId).catch((err: unknown) => failures.push(`OpenAI: ${String(err)}`))
  }
  if (failures.length > 0) {
    log('error', 'ai end failed', { room, sessionId: call.sessionId, failures })
    throw new Error(`Could not end the AI of room ${room}: ${failures.join('; ')}`)
  }
  log('info', 'ai ended', { room, sessionId: call.sessionId, hungUp: !!call.callId })
}
