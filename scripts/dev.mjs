// `npm run dev`: the whole system on this machine — every Worker under one `wrangler dev` on
// http://localhost:8787, with local D1, KV, Queues and Durable Objects.
import { buildWeb, startStack } from './lib/stack.mjs'
import { ensureSystemPackages } from './lib/system-deps.mjs'

// The local SFU runs coturn (Debian's package) for TURN.
ensureSystemPackages(['coturn'])

await buildWeb()
const stack = await startStack()
console.log(`\nTangerine is up: ${stack.url} (health: ${stack.url}/api/health). Ctrl-C stops it.\n`)

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await stack.stop()
    process.exit(0)
  })
}
