// `npm run dev`: the whole system on this machine — every Worker under one `wrangler dev` on
// http://localhost:8787, with local D1, KV, Queues and Durable Objects, and the local SFU
// (restarted if it dies).
import { buildWeb, operatorSignInLink, startStack } from './lib/stack.mjs'
import { ensureSystemPackages } from './lib/system-deps.mjs'

// The local SFU runs coturn (Debian's package) for TURN, and is built with gcc (its native seal-and-send).
ensureSystemPackages(['coturn', 'gcc', 'libc6-dev'])

await buildWeb()
const stack = await startStack()
console.log(`\nTangerine is up: ${stack.url} (health: ${stack.url}/api/health). Ctrl-C stops it.`)
console.log(
  `Operators: ${operatorSignInLink(stack.url) ?? 'set ADMIN_TOKEN in services/gateway/.dev.vars to sign in'}\n`,
)

/** The most a stop may take: past it we leave anyway, the process groups SIGKILLed on the way out. */
const STOP_DEADLINE_MS = 8000
let stopping = false
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    // A second Ctrl-C does not wait for the first.
    if (stopping) process.exit(130)
    stopping = true
    setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref()
    await stack.stop()
    process.exit(0)
  })
}
