import type { LoggedEvent, RoomState, ServerMessage } from '@tangerine/contracts'
import type { Connection } from 'partyserver'
import { eventFor, framesFor, stateFor, viewOf } from './audience.ts'
import type { ConnectionState } from './connection-state.ts'
import { departures } from './departures.ts'
import type { EventStore } from './event-store.ts'

/*
 * What the room's sockets are sent, apart from the room object: each socket's first frame, the
 * events as each may see them, and the closes that removals and endings make.
 */

type Sockets = Iterable<Connection<ConnectionState>>

/** A client that missed more than this many events gets the whole state instead of a replay. */
const MAX_REPLAY = 1000

/** A new socket's first frame: what it missed since `since` (a meeting member's reconnect), or the state. */
export function firstFrame(
  store: EventStore,
  state: RoomState,
  seq: number,
  userId: string,
  since: number | undefined,
): ServerMessage {
  const view = viewOf(state, userId)
  const missed =
    view === 'meeting' && since !== undefined && since <= seq && seq - since <= MAX_REPLAY
      ? store.after(since, MAX_REPLAY)
      : undefined
  // A replay must be every event after `since`: with a quarantined row or a gap in it, send the state.
  if (missed && missed.length === seq - since!) {
    return { type: 'replay', you: userId, events: missed.flatMap((e) => eventFor(e, view, userId) ?? []), seq }
  }
  return { type: 'roomState', seq, you: userId, state: stateFor(state, view) }
}

/**
 * Each socket gets the events as its user could see them before they applied. One whose user
 * just joined or left the meeting (and is still here) then gets its new view whole.
 */
export function broadcast(sockets: Sockets, logged: LoggedEvent[], before: RoomState, after: RoomState, seq: number) {
  const cache = new Map<string, string>()
  for (const c of sockets) {
    if (!c.state) continue
    const { userId } = c.state
    const was = viewOf(before, userId)
    for (const frame of framesFor(logged, was, userId, cache)) c.send(frame)
    const now = viewOf(after, userId)
    if (now !== was && after.users.some((u) => u.id === userId)) {
      const message: ServerMessage = { type: 'roomState', seq, you: userId, state: stateFor(after, now) }
      c.send(JSON.stringify(message))
    }
  }
}

/** Closes the sockets of people removed, or of everyone in a meeting that was ended for all. */
export function closeDeparted(sockets: Sockets, logged: LoggedEvent[], before: RoomState) {
  const closing = departures(logged, before)
  if (closing.size === 0) return
  for (const c of sockets) {
    const why = c.state && closing.get(c.state.userId)
    if (why) c.close(...why)
  }
}

/** What removing `userId` bars: their user key, as one of their sockets proved it, or the id. */
export function keyOf(sockets: Sockets, userId: string): string {
  for (const c of sockets) if (c.state?.userId === userId && c.state.key) return c.state.key
  return userId
}
