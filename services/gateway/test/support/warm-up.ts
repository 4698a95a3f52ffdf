import { exports } from 'cloudflare:workers'
import { beforeAll } from 'vitest'

/*
 * A file's first request imports the gateway into the test's isolate and may start the sibling
 * Workers behind it: on a loaded 2-core machine that alone can outlast vitest's 5 s for one test,
 * which says nothing about that test. Every file pays it here instead, under a timeout of its own,
 * until the health route (which asks every service through its binding) has found them all up.
 */
const WARM_UP_MS = 90_000

beforeAll(async () => {
  const deadline = Date.now() + WARM_UP_MS
  for (;;) {
    const res = await exports.default.fetch(new Request('http://localhost/api/health'))
    const body = await res.text()
    if (res.status === 200) return
    if (Date.now() > deadline) throw new Error(`The services were not all up within ${WARM_UP_MS} ms: ${body}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}, WARM_UP_MS + 30_000)
