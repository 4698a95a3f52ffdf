import type { RoomState, ServerMessage } from '@tangerine/contracts'
import { env } from 'cloudflare:workers'
import { evolve } from '@tangerine/room-model'

/**
 * What a browser holds: the latest whole state it was sent, with every later event folded in, in
 * order; a replay brings it to the replay's position, a withheld event only moves it on.
 */
export function mirror(messages: readonly ServerMessage[]): { seq: number; state: RoomState } {
  let held: { seq: number; state: RoomState } | undefined
  const next = (seq: number) => {
    if (!held) throw new Error('No roomState received')
    if (seq <= held.seq) return false
    if (seq !== held.seq + 1) throw new Error(`Gap in the log: ${held.seq} then ${seq}`)
    return true
  }
  for (const m of messages) {
    if (m.type === 'roomState') held = { seq: m.seq, state: m.state }
    else if (m.type === 'withheld' && next(m.seq)) held!.seq = m.seq
    else if (m.type === 'event' && next(m.event.seq)) held = { seq: m.event.seq, state: evolve(held!.state, m.event) }
    else if (m.type === 'replay' && held) {
      for (const e of m.events) if (e.seq > held.seq) held = { seq: e.seq, state: evolve(held.state, e) }
      held.seq = Math.max(held.seq, m.seq)
    }
  }
  if (!held) throw new Error('No roomState received')
  return held
}

/** The room's position and state (what a client's fold must equal), without the log's health. */
export async function serverState(room: string): Promise<{ seq: number; state: RoomState }> {
  const { seq, state } = await env.ROOM.getByName(room).getState()
  return { seq, state }
}
