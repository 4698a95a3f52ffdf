// `npm run dev`: the whole system on this machine — every Worker under one `wrangler dev` on
// http://localhost:8787, with local D1, KV, Queues and Durable Objects.
import { buildWeb, operatorSignInLink, startStack } from './lib/stack.mjs'
import { ensureSystemPackages } from './lib/system-deps.mjs'

// The local SFU runs coturn (Debian's package) for TURN.
ensureSystemPackages(['coturn'])

await buildWeb()
const stack = await startStack()
console.log(`\nTangerine is up: ${stack.url} (health: ${stack.url}/api/health). Ctrl-C stops it.`)
console.log(
  `Operators: ${operatorSignInLink(stack.url) ?? 'set ADMIN_TOKEN in services/gateway/.dev.vars to sign in'}\n`,
)

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await stack.stop()
    process.exit(0)
  })
}
