import type { LoggedEvent, RoomState } from '@tangerine/contracts'
import { log } from '@tangerine/contracts/log'
import { aiEndedMessage, systemDismissal, type AiCallStore } from './ai-call.ts'
import { projectMeetings } from './projections/meetings.ts'
import { reportToRegistry } from './registry-report.ts'

/** What the room's freshly appended events change outside it: D1's meetings, the registry, the AI's calls. */
export async function afterAppend(
  env: Cloudflare.Env,
  room: string,
  aiCall: AiCallStore,
  change: { logged: LoggedEvent[]; before: RoomState; state: RoomState; seq: number },
) {
  const { logged, before, state, seq } = change
  await projectMeetings(env.DB, room, logged, state)
  await reportToRegistry(env, room, seq, before, state)
  const dismissal = systemDismissal(logged)
  const call = dismissal && (await aiCall.takeIfEnded(before.ai, logged))
  // Only the ai Worker can close the AI's calls; the queue retries until it has.
  if (dismissal && call) {
    await env.AI_ENDED.send(aiEndedMessage(room, dismissal, call)).catch((err: unknown) => {
      log('error', 'ai end not queued', { room, sessionId: call.sessionId, error: String(err) })
    })
  }
}
