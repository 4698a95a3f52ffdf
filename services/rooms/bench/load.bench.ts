// Cold load of a room with 100k events: the real EventStore appends them (taking snapshots as it
// goes), the object is evicted, and the first call after it is timed. Prints figures; asserts
// nothing about speed. Run: npm run bench -w services/rooms
import type { RoomEvent } from '@tangerine/contracts'
import { env } from 'cloudflare:workers'
import { evictDurableObject, runInDurableObject } from 'cloudflare:test'
import { it } from 'vitest'
import { EventStore } from '../src/room/event-store.ts'
import { initialState } from '@tangerine/room-model'

const EVENTS = 100_000
const BATCH = 1000
const meta = { at: new Date(0).toISOString(), actor: 'user:bench', schemaVersion: 1 as const }

it(`loads a room with ${EVENTS} events`, { timeout: 600_000 }, async () => {
  const stub = env.ROOM.getByName(`bench-load-${Date.now()}`)
  const seeded = await runInDurableObject(stub, async (_instance, state) => {
    const store = new EventStore(state.storage)
    await store.migrate()
    let current = { state: initialState(), seq: 0 }
    const users: RoomEvent[] = Array.from({ length: 8 }, (_, i) => ({ type: 'UserConnected', data: { userId: `u${i}`, name: `User ${i}` }, metadata: meta }))
    current = store.append(current.state, current.seq, users)
    while (current.seq < EVENTS) {
      const batch: RoomEvent[] = Array.from({ length: Math.min(BATCH, EVENTS - current.seq) }, (_, i) =>
        i % 3 === 0
          ? { type: 'ChatMessageSent', data: { messageId: `m${current.seq + i}`, userId: `u${i % 8}`, name: `User ${i % 8}`, message: `message ${i}` }, metadata: meta }
          : { type: 'UserUpdated', data: { userId: `u${i % 8}`, patch: { speaking: i % 2 === 0 } }, metadata: meta },
      )
      current = store.append(current.state, current.seq, batch)
    }
    return { seq: current.seq, bytes: state.storage.sql.databaseSize }
  })
  const timings: number[] = []
  for (let run = 0; run < 5; run++) {
    await evictDurableObject(stub)
    const started = performance.now()
    await stub.getState()
    timings.push(performance.now() - started)
  }
  timings.sort((a, b) => a - b)
  console.log(`rooms cold load: ${seeded.seq} events, ${(seeded.bytes / 1e6).toFixed(1)} MB of SQLite`)
  console.log(`  evict → first getState(), 5 runs: median ${timings[2]!.toFixed(1)} ms, min ${timings[0]!.toFixed(1)} ms, max ${timings[4]!.toFixed(1)} ms`)
})
