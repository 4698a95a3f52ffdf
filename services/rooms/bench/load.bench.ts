// Cold load of a room with ~100k events: the real EventStore appends them (taking a snapshot
// every SNAPSHOT_EVERY events as it goes), the object is evicted, and the first call after it is
// timed. Prints figures; asserts nothing about speed. Run: npm run bench -w services/rooms
//
// Three cases, because one hides the others:
// - best: the log ends exactly on a snapshot, so loading reads one snapshot and replays nothing;
// - worst with snapshots: the log ends SNAPSHOT_EVERY - 1 events after the last snapshot, the
//   most any load replays while snapshots are valid;
// - no snapshot: every snapshot unusable (what a deploy that changes the state's shape does
//   until the next one is taken), so the whole log is read and replayed.
// Each is timed with the room's SQLite file in the OS page cache ("warm") and, where the bench
// may drop that cache (root), read from the disk ("disk").
import type { RoomEvent } from '@tangerine/contracts'
import { env } from 'cloudflare:workers'
import { evictDurableObject, runInDurableObject } from 'cloudflare:test'
import { inject, it } from 'vitest'
import { EventStore } from '../src/room/event-store.ts'
import { initialState } from '@tangerine/room-model'
import { SNAPSHOT_EVERY } from '../src/room/snapshot.ts'

const BASE = 100_000
const BATCH = 1000
const RUNS = 5
type RoomStub = ReturnType<typeof env.ROOM.getByName>
const meta = { at: new Date(0).toISOString(), actor: 'user:bench', schemaVersion: 1 as const }

function eventsAfter(seq: number, count: number): RoomEvent[] {
  return Array.from({ length: count }, (_, i) =>
    i % 3 === 0
      ? {
          type: 'ChatMessageSent',
          data: { messageId: `m${seq + i}`, userId: `u${i % 8}`, name: `User ${i % 8}`, message: `message ${i}` },
          metadata: meta,
        }
      : { type: 'UserUpdated', data: { userId: `u${i % 8}`, patch: { speaking: i % 2 === 0 } }, metadata: meta },
  )
}

/** A room whose log holds `total` events, appended by the real EventStore in batches. */
async function seed(total: number) {
  const stub = env.ROOM.getByName(`bench-load-${total}-${Date.now()}`)
  const seeded = await runInDurableObject(stub, async (_instance, state) => {
    const store = new EventStore(state.storage)
    await store.migrate()
    const users: RoomEvent[] = Array.from({ length: 8 }, (_, i) => ({
      type: 'UserConnected',
      data: { userId: `u${i}`, name: `User ${i}` },
      metadata: meta,
    }))
    let current = store.append(initialState(), 0, users)
    while (current.seq < total) {
      // Batches end on multiples of BATCH (a multiple of SNAPSHOT_EVERY), so the snapshots do too.
      const count = Math.min(BATCH - (current.seq % BATCH), total - current.seq)
      current = store.append(current.state, current.seq, eventsAfter(current.seq, count))
    }
    const lastSnapshot = state.storage.sql.exec<{ seq: number }>('SELECT max(seq) AS seq FROM snapshots').one().seq
    return { seq: current.seq, lastSnapshot, bytes: state.storage.sql.databaseSize }
  })
  return { stub, ...seeded }
}

async function dropOsCache(): Promise<boolean> {
  const res = await fetch(inject('dropCachesUrl'), { method: 'POST' })
  const answer = (await res.json()) as { dropped: boolean; reason?: string }
  return answer.dropped
}

/** Evict → first getState(), RUNS times; with `disk`, the OS page cache dropped before each. */
async function timeColdLoads(stub: RoomStub, disk: boolean) {
  const timings: number[] = []
  let dropped = disk
  for (let run = 0; run < RUNS; run++) {
    // Running first (workerd may have evicted an idle object already), then evicted.
    await stub.getState()
    await evictDurableObject(stub)
    if (disk) dropped = (await dropOsCache()) && dropped
    const started = performance.now()
    await stub.getState()
    timings.push(performance.now() - started)
  }
  timings.sort((a, b) => a - b)
  return { timings, dropped }
}

const ms = (t: number) => `${t.toFixed(1)} ms`

async function report(name: string, stub: RoomStub, replayed: number) {
  for (const disk of [false, true]) {
    const { timings, dropped } = await timeColdLoads(stub, disk)
    const where = disk ? (dropped ? 'disk' : 'disk (OS cache NOT dropped: not root; warm)') : 'warm'
    console.log(
      `  ${name.padEnd(24)} replays ${String(replayed).padStart(6)} events, ${where.padEnd(5)}: median ${ms(timings[RUNS >> 1]!)}, min ${ms(timings[0]!)}, max ${ms(timings[RUNS - 1]!)}`,
    )
  }
}

it(`loads a room of ${BASE} events: best case, worst case, no snapshot`, { timeout: 900_000 }, async () => {
  const best = await seed(BASE)
  const worst = await seed(BASE + SNAPSHOT_EVERY - 1)
  console.log(
    `rooms cold load (evict → first getState(), ${RUNS} runs each): ${best.seq} events = ${(best.bytes / 1e6).toFixed(1)} MB of SQLite`,
  )
  await report('best (on a snapshot)', best.stub, best.seq - best.lastSnapshot)
  await report('worst with snapshots', worst.stub, worst.seq - worst.lastSnapshot)
  // Snapshots of an older version, as right after a deploy that changed the state's shape:
  // loading passes over them and folds the whole log.
  await runInDurableObject(worst.stub, (_instance, state) => {
    state.storage.sql.exec('UPDATE snapshots SET version = version - 1')
  })
  await report('no usable snapshot', worst.stub, worst.seq)
})
