// Rekey: time from a join (or a leave) to everyone in the meeting holding the new epoch — one
// safety number, the new member in (or the leaver out) — for groups of 2, 5 and 10, over real
// WebSockets on loopback into the rooms Worker under workerd (see worker.ts), each person running
// the browser's MLS client (GroupSession) unchanged. Prints figures; asserts nothing.
// Run: npm run bench -w services/rooms
//
// Every client shares this one Node thread: each member's processing of a Commit runs one after
// another here, where browsers would run them side by side. The e2ee package's bench splits the
// CPU per role (npm run bench -w packages/e2ee).
import WebSocket from 'ws'
import type { LoggedEvent, RoomState, ServerMessage } from '@tangerine/contracts'
// Relative: Node strips types from our sources, not from packages reached through node_modules.
import { GroupSession, type E2eeStatus } from '../../../packages/e2ee/src/index.ts'
import { evolve } from '../../../packages/room-model/src/index.ts'
import { identityHeaders, keyOf, newUserId } from '../../../scripts/test-support/people.ts'
import { startRooms } from './worker.ts'

const SIZES = [2, 5, 10]
const ROUNDS = Number(process.env.ROUNDS) || 5

const worker = await startRooms()
const base = worker.url.toString().replace(/^http/, 'ws')

class Person {
  readonly id = newUserId()
  readonly ws: WebSocket
  readonly session: GroupSession
  status: E2eeStatus = { state: 'off', members: [] }
  #state: RoomState | undefined
  readonly #beat: ReturnType<typeof setInterval>
  readonly opened: Promise<void>

  constructor(room: string) {
    this.ws = new WebSocket(`${base}rooms/${room}/ws?_pk=${this.id}`, {
      headers: identityHeaders({ name: this.id.slice(0, 6), key: keyOf(this.id) }),
    })
    this.session = GroupSession.create(this.id, {
      send: (m) => this.ws.send(JSON.stringify(m)),
      mediaKey: () => {},
      status: (s) => (this.status = s),
    })
    this.opened = new Promise((resolve) => this.ws.once('message', () => resolve()))
    this.ws.on('message', (data) => this.#receive(JSON.parse(String(data)) as ServerMessage))
    // As browsers do: without heartbeats the room times people out.
    this.#beat = setInterval(() => this.ws.send(JSON.stringify({ type: 'heartbeat' })), 4000)
  }

  join() {
    this.ws.send(JSON.stringify({ type: 'userUpdate', user: { joined: true } }))
  }

  leave() {
    clearInterval(this.#beat)
    this.session.close()
    this.ws.send(JSON.stringify({ type: 'userLeft' }))
  }

  #receive(m: ServerMessage) {
    if (m.type === 'roomState') {
      this.#state = m.state
      this.session.state(m.state)
    } else if (m.type === 'event' && this.#state) {
      this.#event(m.event)
    } else if (m.type === 'replay') {
      for (const e of m.events) this.#event(e)
    } else if (m.type === 'mlsKeyPackage') {
      this.session.keyPackage(m.from, m.payload)
    } else if (m.type === 'error') {
      this.session.error(m.code)
    }
  }

  #event(event: LoggedEvent) {
    if (!this.#state) return
    this.#state = evolve(this.#state, event)
    this.session.event(event, this.#state)
  }
}

const inStep = (people: Person[]) => {
  const first = people[0]!.status
  const ids = people
    .map((p) => p.id)
    .sort()
    .join()
  return people.every(
    (p) =>
      p.status.state === 'active' &&
      p.status.epoch === first.epoch &&
      p.status.safetyNumber === first.safetyNumber &&
      [...p.status.members].sort().join() === ids,
  )
}

async function untilInStep(people: Person[], timeoutMs = 30_000) {
  const start = performance.now()
  while (!inStep(people)) {
    if (performance.now() - start > timeoutMs) throw new Error(`not in step within ${timeoutMs} ms`)
    await new Promise((r) => setImmediate(r))
  }
  return performance.now() - start
}

async function arrive(room: string) {
  const person = new Person(room)
  await person.opened
  return person
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const max = (xs: number[]) => Math.max(...xs)

console.log('rekey over the room socket: join/leave → everyone in the new epoch (loopback, workerd, one Node thread)')
console.log('members | rounds | join p50 | join max | leave p50 | leave max   (ms)')
for (const size of SIZES) {
  const room = `bench-rekey-${size}-${Date.now()}`
  const people: Person[] = []
  for (let i = 0; i < size; i++) {
    const p = await arrive(room)
    p.join()
    people.push(p)
    await untilInStep(people)
  }
  const joins: number[] = []
  const leaves: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const joiner = await arrive(room)
    joiner.join()
    joins.push(await untilInStep([...people, joiner]))
    joiner.leave()
    leaves.push(await untilInStep(people))
  }
  const f = (t: number) => t.toFixed(0).padStart(8)
  console.log(
    `${String(size).padStart(7)} | ${String(ROUNDS).padStart(6)} | ${f(median(joins))} | ${f(max(joins))} | ${f(median(leaves)).padStart(9)} | ${f(max(leaves)).padStart(9)}`,
  )
  for (const p of people) p.leave()
  await new Promise((r) => setTimeout(r, 500))
}
await worker.dispose()
process.exit(0)
