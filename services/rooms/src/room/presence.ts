import type { RoomState } from '@tangerine/contracts'

/** A user is gone once no socket of theirs has been heard from for this many heartbeat intervals. */
export const MISSED_HEARTBEATS = 2.5

/**
 * Who to time out: users whose every socket has been silent too long, and users with no socket
 * at all (their sockets died while the object was away) who have not opened one within as long
 * since `awakeSince`, when the object started. A restarted runtime wakes the object with no
 * sockets while everyone's pages are reconnecting: counting them out at once would end the meeting.
 */
export function staleUsers(
  state: RoomState,
  lastSeenByUser: ReadonlyMap<string, number>,
  now: number,
  intervalMs: number,
  awakeSince = -Infinity,
): string[] {
  const limit = now - intervalMs * MISSED_HEARTBEATS
  return state.users.filter((u) => (lastSeenByUser.get(u.id) ?? awakeSince) < limit).map((u) => u.id)
}
