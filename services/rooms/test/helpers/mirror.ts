import type { RoomState, ServerMessage } from '@tangerine/contracts'
import { evolve } from '../../src/room/evolve.ts'

/** What a browser holds: its first full state, with every later event folded in, in order. */
export function mirror(messages: readonly ServerMessage[]): { seq: number; state: RoomState } {
  const start = messages.find((m) => m.type === 'roomState')
  if (!start || start.type !== 'roomState') throw new Error('No roomState received')
  let { seq, state } = start
  for (const m of messages) {
    if (m.type !== 'event' || m.event.seq <= seq) continue
    if (m.event.seq !== seq + 1) throw new Error(`Gap in the log: ${seq} then ${m.event.seq}`)
    state = evolve(state, m.event)
    seq = m.event.seq
  }
  return { seq, state }
}
