// Fan-out: time from one client's update to its receipt on every other socket, for 10, 50 and
// 100 sockets in one room, over real WebSockets on loopback into the rooms Worker under workerd
// (reached directly, see worker.ts), the sockets offering permessage-deflate as browsers do.
// Prints figures; asserts nothing. Run: npm run bench -w services/rooms
import { identityHeaders, keyOf, newUserId } from '../../../scripts/test-support/people.ts'
import { startRooms } from './worker.ts'

const SIZES = [10, 50, 100]
const ROUNDS = 60

const worker = await startRooms()
const base = worker.url.toString().replace(/^http/, 'ws')

function open(room: string, name: string): Promise<{ ws: WebSocket; id: string }> {
  const id = newUserId()
  const ws = new WebSocket(`${base}rooms/${room}/ws?_pk=${id}`, {
    headers: identityHeaders({ name, key: keyOf(id) }),
  } as unknown as string[])
  return new Promise((resolve, reject) => {
    ws.addEventListener('message', () => resolve({ ws, id }), { once: true })
    ws.addEventListener('error', reject, { once: true })
  })
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

console.log('rooms fan-out: one update → every other socket, loopback, workerd (Miniflare, the deployed bundle)')
console.log('sockets | rounds | p50 ms | p99 ms | max ms')
for (const size of SIZES) {
  const room = `bench-${size}-${Date.now()}`
  const sockets: Array<{ ws: WebSocket; id: string }> = []
  for (let i = 0; i < size; i++) sockets.push(await open(room, `P${i}`))
  const [sender, ...receivers] = sockets
  // As browsers do: without heartbeats the room times people out (about two missed intervals)
  // and a run longer than that would wait for updates from someone no longer there.
  // Each on its own clock, as separate browsers are, not all 100 in one burst.
  const heartbeats = sockets.map(({ ws }, i) =>
    setTimeout(function beat() {
      ws.send(JSON.stringify({ type: 'heartbeat' }))
      heartbeats[i] = setTimeout(beat, 4000)
    }, (4000 * i) / sockets.length),
  )
  const latencies: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const speaking = round % 2 === 0
    const started = performance.now()
    const arrivals = receivers.map(
      ({ ws }) =>
        new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no update within 5 s at ${size} sockets, round ${round}`)), 5000)
          const onMessage = (e: MessageEvent) => {
            // A cheap match: 100 receivers share this one Node thread, and their parsing would be timed too.
            const text = String(e.data)
            if (text.includes('"UserUpdated"') && text.includes(sender!.id)) {
              ws.removeEventListener('message', onMessage)
              clearTimeout(timer)
              resolve(performance.now() - started)
            }
          }
          ws.addEventListener('message', onMessage)
        }),
    )
    sender!.ws.send(JSON.stringify({ type: 'userUpdate', user: { speaking } }))
    latencies.push(...(await Promise.all(arrivals)))
    // Stay under the per-socket rate limit (20 messages/s sustained).
    await new Promise((r) => setTimeout(r, 55))
  }
  for (const timer of heartbeats) clearTimeout(timer)
  latencies.sort((a, b) => a - b)
  console.log(
    `${String(size).padStart(7)} | ${String(ROUNDS).padStart(6)} | ${percentile(latencies, 50).toFixed(2).padStart(6)} | ${percentile(latencies, 99).toFixed(2).padStart(6)} | ${latencies.at(-1)!.toFixed(2).padStart(6)}`,
  )
  for (const { ws } of sockets) ws.close()
}
await worker.dispose()
