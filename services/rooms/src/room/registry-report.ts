import type { RoomState } from '@tangerine/contracts'
import { log } from '@tangerine/contracts/log'
import { liveSummary, summaryChanged } from '../registry/live-summary.ts'
import { REGISTRY_NAME } from '../registry/room-registry.ts'

/**
 * Tells the live registry what changed in this room, when what it shows changed (people, peak,
 * meeting, e2ee, AI), with the log position `seq` it is as of. A failure is logged, not thrown: the room goes on, and its next change
 * reports the whole line again.
 */
export async function reportToRegistry(env: RoomsEnv, room: string, seq: number, before: RoomState, after: RoomState) {
  const was = liveSummary(before)
  const now = liveSummary(after)
  if (!summaryChanged(was, now)) return
  try {
    await env.REGISTRY.getByName(REGISTRY_NAME).report(room, seq, now)
  } catch (err) {
    log('error', 'registry report failed', { room, error: String(err) })
  }
}
