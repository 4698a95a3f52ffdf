// Fan-out: time from one client's update to its receipt on every other socket, for 10, 50 and
// 100 sockets in one room, over real WebSockets on loopback into the rooms Worker under workerd.
// Prints figures; asserts nothing. Run: npm run bench -w services/rooms
import { identityHeaders, keyOf, newUserId } from '../../../scripts/test-support/people.ts'
import { unstable_startWorker } from 'wrangler'

const SIZES = [10, 50, 100]
const ROUNDS = 60

const worker = await unstable_startWorker({ config: new URL('../wrangler.jsonc', import.meta.url).pathname, dev: { server: { port: 0 }, inspector: false, logLevel: 'none' } })
const base = (await worker.url).toString().replace(/^http/, 'ws')

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

console.log('rooms fan-out: one update → every other socket, loopback, workerd (wrangler unstable_startWorker)')
console.log('sockets | rounds | p50 ms | p99 ms | max ms')
for (const size of SIZES) {
  const room = `bench-${size}-${Date.now()}`
  const sockets: Array<{ ws: WebSocket; id: string }> = []
  for (let i = 0; i < size; i++) sockets.push(await open(room, `P${i}`))
  const [sender, ...receivers] = sockets
  // As browsers do: without heartbeats the room times people out (about two missed intervals)
  // and a run longer than that would wait for updates from someone no longer there.
  const heartbeat = setInterval(() => {
    for (const { ws } of sockets) ws.send(JSON.stringify({ type: 'heartbeat' }))
  }, 4000)
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
  clearInterval(heartbeat)
  latencies.sort((a, b) => a - b)
  console.log(
    `${String(size).padStart(7)} | ${String(ROUNDS).padStart(6)} | ${percentile(latencies, 50).toFixed(2).padStart(6)} | ${percentile(latencies, 99).toFixed(2).padStart(6)} | ${latencies.at(-1)!.toFixed(2).padStart(6)}`,
  )
  for (const { ws } of sockets) ws.close()
}
await worker.dispose()
