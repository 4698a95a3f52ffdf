// Fan-out: time from one client's update to its receipt on every other socket, for 10, 50 and
// 100 sockets in one room, over real WebSockets on loopback into the rooms Worker under workerd
// (reached directly, see worker.ts), the sockets offering permessage-deflate as browsers do.
// Prints figures; asserts nothing. Run: npm run bench -w services/rooms
//
// Two clocks per receipt. "Arrived": the event's first bytes reached that client's TCP socket,
// which is the room's fan-out. "Decoded": the client's WebSocket handed it over, inflated; all
// the sockets share this one Node thread, so the last of 99 waits for the others' inflating,
// which 99 browsers would each do on their own.
import WebSocket from 'ws'
import { identityHeaders, keyOf, newUserId } from '../../../scripts/test-support/people.ts'
import { startRooms } from './worker.ts'

const SIZES = [10, 50, 100]
// p99 over 200 rounds is not just the worst round or two.
const ROUNDS = Number(process.env.ROUNDS) || 200

const worker = await startRooms()
const base = worker.url.toString().replace(/^http/, 'ws')

interface Client {
  ws: WebSocket
  id: string
  /** When bytes first reached this client's socket since `arrivedAt` was last cleared (each round). */
  arrivedAt?: number
}

function open(room: string, name: string): Promise<Client> {
  const id = newUserId()
  const ws = new WebSocket(`${base}rooms/${room}/ws?_pk=${id}`, { headers: identityHeaders({ name, key: keyOf(id) }) })
  const client: Client = { ws, id }
  ws.once('upgrade', (response) => {
    // Before ws's own listener, so parsing and inflating are not in this time.
    response.socket.prependListener('data', () => (client.arrivedAt ??= performance.now()))
  })
  return new Promise((resolve, reject) => {
    ws.once('message', () => resolve(client))
    ws.once('error', reject)
  })
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

console.log(
  `rooms fan-out: one update → every other socket, loopback, workerd (Miniflare, the deployed bundle), storage in ${worker.state}`,
)
console.log('        |        |      arrived ms        |      decoded ms')
console.log('sockets | rounds |  p50 |   p99 |    max  |  p50 |   p99 |    max')
for (const size of SIZES) {
  const room = `bench-${size}-${Date.now()}`
  const sockets: Client[] = []
  for (let i = 0; i < size; i++) sockets.push(await open(room, `P${i}`))
  const [sender, ...receivers] = sockets
  // As browsers do: without heartbeats the room times people out (about two missed intervals)
  // and a run longer than that would wait for updates from someone no longer there.
  // Each on its own clock, as separate browsers are, not all 100 in one burst.
  const heartbeats = sockets.map(({ ws }, i) =>
    setTimeout(
      function beat() {
        ws.send(JSON.stringify({ type: 'heartbeat' }))
        heartbeats[i] = setTimeout(beat, 4000)
      },
      (4000 * i) / sockets.length,
    ),
  )
  const arrived: number[] = []
  const decoded: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const speaking = round % 2 === 0
    for (const r of receivers) r.arrivedAt = undefined
    const started = performance.now()
    const receipts = receivers.map(
      (r) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no update within 5 s at ${size} sockets, round ${round}`)),
            5000,
          )
          const onMessage = (data: WebSocket.RawData) => {
            // A cheap match: 100 receivers share this one Node thread, and their parsing would be timed too.
            const text = String(data)
            if (text.includes('"UserUpdated"') && text.includes(sender!.id)) {
              r.ws.off('message', onMessage)
              clearTimeout(timer)
              decoded.push(performance.now() - started)
              arrived.push(r.arrivedAt! - started)
              resolve()
            }
          }
          r.ws.on('message', onMessage)
        }),
    )
    sender!.ws.send(JSON.stringify({ type: 'userUpdate', user: { speaking } }))
    await Promise.all(receipts)
    // Stay under the per-socket rate limit (20 messages/s sustained).
    await new Promise((r) => setTimeout(r, 55))
  }
  for (const timer of heartbeats) clearTimeout(timer)
  const figures = (times: number[]) => {
    times.sort((a, b) => a - b)
    return [percentile(times, 50), percentile(times, 99), times.at(-1)!]
      .map((t) => t.toFixed(1).padStart(5))
      .join(' | ')
  }
  console.log(
    `${String(size).padStart(7)} | ${String(ROUNDS).padStart(6)} | ${figures(arrived)}   | ${figures(decoded)}`,
  )
  // Leave as the app does, and let the room end its meeting before the next size: rooms share
  // one isolate here, and timing everyone out later would run inside the next size's rounds.
  await Promise.all(
    sockets.map(({ ws }) => {
      const closed = new Promise((resolve) => ws.once('close', resolve))
      ws.send(JSON.stringify({ type: 'userLeft' }))
      return closed
    }),
  )
  await new Promise((r) => setTimeout(r, 1000))
}
await worker.dispose()
