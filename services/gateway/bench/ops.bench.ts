// The operators' two heaviest answers, timed through the gateway as the dashboard asks them:
// `GET /api/ops/overview` (every service at once, the live registry, D1 totals, the SFU's stats
// from one reading of its /stats, health) and `GET /api/ops/meetings?days=30` (D1 history), with 1,000
// meetings in D1 and 50 live rooms (two people each, joined through real room sockets) seeded.
// Prints p50/p99 in ms; asserts only that the answers are right. Run: npm run bench -w services/gateway
import { LiveRooms, MeetingsHistory, OpsOverview } from '@tangerine/contracts/ops/api'
import { env, exports } from 'cloudflare:workers'
import { isEvent, isState } from '../../../scripts/test-support/room-socket.ts'
import { openRoomSocket } from '../../../scripts/test-support/workerd-room-socket.ts'
import { expect, it } from 'vitest'
import { OPERATOR_TOKEN } from '../test/support/operators.ts'
import { base, signIn } from '../test/support/session.ts'

const MEETINGS = 1000
const LIVE_ROOMS = 50
const RUNS = 100
const DAY_MS = 86_400_000
const db = (env as unknown as { ROOMS_DB: D1Database }).ROOMS_DB

/** Each call from an address of its own: the bench measures answers, not the API's rate limits. */
const someAddress = () => `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`
const ask = (path: string) =>
  exports.default.fetch(
    new Request(`${base}${path}`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'cf-connecting-ip': someAddress() },
    }),
  )

/** 1,000 ended meetings over the last 30 days, 1–90 minutes, 2–12 people, a third with a rating. */
async function seedMeetings() {
  const now = Date.now()
  const statements: D1PreparedStatement[] = []
  for (let i = 0; i < MEETINGS; i++) {
    const start = now - ((i * 30 * DAY_MS) / MEETINGS + 2 * 3_600_000)
    const end = start + (1 + (i % 90)) * 60_000
    const id = `bench-${i}`
    statements.push(
      db
        .prepare(
          'INSERT OR REPLACE INTO meetings (id, room, started_at, ended_at, peak_user_count) VALUES (?, ?, ?, ?, ?)',
        )
        .bind(id, `bench-room-${i % 200}`, new Date(start).toISOString(), new Date(end).toISOString(), 2 + (i % 11)),
    )
    if (i % 3 === 0) {
      statements.push(
        db
          .prepare(
            'INSERT OR REPLACE INTO call_quality (meeting_id, person, user_id, room, rating, answered_at) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .bind(id, `p${i}`, `u${i}`, `bench-room-${i % 200}`, 1 + (i % 5), new Date(end).toISOString()),
      )
    }
  }
  for (let i = 0; i < statements.length; i += 100) await db.batch(statements.slice(i, i + 100))
}

/** 50 rooms, each with two people in the meeting, through the gateway's room sockets. */
async function seedLiveRooms() {
  const sockets = []
  for (let r = 0; r < LIVE_ROOMS; r++) {
    const room = `bench-live-${r}-${crypto.randomUUID().slice(0, 6)}`
    for (const name of ['Ada', 'Bob']) {
      const person = await signIn(name, { 'cf-connecting-ip': someAddress() })
      const socket = await openRoomSocket(
        exports.default,
        new Request(`${base}/api/rooms/${room}/ws?_pk=${person.id}`, {
          headers: { Upgrade: 'websocket', cookie: person.cookie, 'cf-connecting-ip': someAddress() },
        }),
        10_000,
      )
      await socket.next(isState)
      socket.send({ type: 'userUpdate', user: { joined: true } })
      await socket.next(isEvent('UserUpdated', (d) => d.userId === socket.id))
      sockets.push(socket)
    }
  }
  return sockets
}

async function time(path: string, check: (body: unknown) => void) {
  for (let i = 0; i < 5; i++) check(await (await ask(path)).json())
  const ms: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    const res = await ask(path)
    const body: unknown = await res.json()
    ms.push(performance.now() - started)
    expect(res.status).toBe(200)
    check(body)
  }
  ms.sort((a, b) => a - b)
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)]!.toFixed(1)
  return { p50: at(0.5), p99: at(0.99) }
}

it('times the overview and the meetings history', { timeout: 600_000 }, async () => {
  await seedMeetings()
  const sockets = await seedLiveRooms()
  // Each room tells the registry just after its sockets: the last join may be a moment behind.
  const seeded = async () =>
    LiveRooms.parse(await (await ask('/api/ops/rooms')).json()).rooms.filter(
      (r) => r.name.startsWith('bench-live-') && r.people === 2,
    ).length
  const deadline = Date.now() + 5000
  while ((await seeded()) < LIVE_ROOMS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  expect(await seeded()).toBe(LIVE_ROOMS)

  const overview = await time('/api/ops/overview', (body) => {
    const parsed = OpsOverview.parse(body)
    expect(parsed.rooms).toMatchObject({ roomsLive: expect.any(Number) })
  })
  const history = await time('/api/ops/meetings?days=30', (body) => {
    const parsed = MeetingsHistory.parse(body)
    expect(parsed.perDay.reduce((n, d) => n + d.meetings, 0)).toBeGreaterThanOrEqual(MEETINGS)
  })
  console.log(
    [
      `ops API, ${MEETINGS} meetings and ${LIVE_ROOMS} live rooms seeded, ${RUNS} calls each (ms)`,
      `  GET /api/ops/overview           p50 ${overview.p50}  p99 ${overview.p99}  (one reading of the SFU's own rate)`,
      `  GET /api/ops/meetings?days=30   p50 ${history.p50}  p99 ${history.p99}`,
    ].join('\n'),
  )
  for (const s of sockets) s.close()
})
