import type { RoomState } from '@tangerine/contracts'
import type { LiveRoom } from '@tangerine/contracts/ops/api'

/** What the registry keeps of a room: a LiveRoom without its name and report time. */
export type LiveSummary = Omit<LiveRoom, 'name' | 'updatedAt'>

/** A room's line in the registry, or undefined when nobody is in it and no meeting runs. */
export function liveSummary(state: RoomState): LiveSummary | undefined {
  const people = state.users.filter((u) => u.joined).length
  const lobby = state.users.length - people
  if (state.users.length === 0 && !state.meetingId) return undefined
  return {
    people,
    lobby,
    peak: state.meetingId ? state.peakUserCount : 0,
    meetingId: state.meetingId ?? null,
    startedAt: state.meetingStartedAt ?? null,
    e2ee: !!state.meetingId && state.e2ee === true,
    ai: state.ai.status === 'joined',
  }
}

/** Whether the registry should hear of this change: only when what it shows moved. */
export function summaryChanged(before: LiveSummary | undefined, after: LiveSummary | undefined): boolean {
  return JSON.stringify(before) !== JSON.stringify(after)
}
