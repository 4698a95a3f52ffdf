// Every Worker under one `wrangler dev`, as its own process group: started, stopped, and
// restarted on the same port with the same persisted state (a runtime restart mid-meeting).
import { hasExited, howExited, keepTail, spawnGroup, stopGroup } from './process-group.mjs'

async function waitForHealth(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    if (hasExited(child)) throw new Error(`wrangler dev exited (${howExited(child)}) before it was healthy`)
    try {
      const res = await fetch(`${url}/api/health`)
      const body = await res.json()
      if (res.ok && body.status === 'ok') return body
      last = JSON.stringify(body)
    } catch (err) {
      last = err.message
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`The stack at ${url} was not healthy within ${timeoutMs} ms: ${last}`)
}

/**
 * Starts `wrangler dev` over `configs` (the first is served on `port`) with its state in
 * `persistTo`, and waits until `/api/health` reports every service up (the media Worker's check
 * reaches the SFU, which must be running). `restart()` stops it and starts it again with the same
 * arguments: the Durable Objects, D1, KV and Queues come back from `persistTo`.
 */
export async function startWorkers({ root, configs, port, persistTo, stdio = 'inherit', timeoutMs = 90_000 }) {
  const args = [
    'wrangler',
    'dev',
    ...configs.flatMap((c) => ['-c', c]),
    '--port',
    String(port),
    '--ip',
    '127.0.0.1',
    '--persist-to',
    persistTo,
    '--show-interactive-dev-session=false',
  ]
  const url = `http://127.0.0.1:${port}`
  const output = []
  let child
  let stopping = false

  const spawnOne = () => {
    const started = spawnGroup('npx', args, {
      cwd: root,
      stdio: stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      // Offline by construction: no metrics, and no fetch of Cloudflare's `Request.cf` sample
      // (miniflare looks up workers.cloudflare.com at start otherwise; a placeholder serves).
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    })
    if (stdio !== 'inherit') keepTail(started, output)
    started.once('exit', () => {
      // Nothing restarts the Workers by itself: say so where the person running the stack looks.
      if (!stopping && started === child)
        console.error(`\n\x1b[1;31m✖ wrangler dev exited (${howExited(started)}): the Workers are down.\x1b[0m\n`)
    })
    return started
  }

  const up = async () => {
    child = spawnOne()
    try {
      await waitForHealth(url, child, timeoutMs)
    } catch (err) {
      stopping = true
      await stopGroup(child, 5000)
      throw new Error(`${err.message}\n${output.join('').slice(-4000)}`, { cause: err })
    }
  }

  /** Stops wrangler and its workerd, SIGKILLed after a grace, whatever state they are in. */
  const stop = async () => {
    stopping = true
    await stopGroup(child, 5000)
  }

  /**
   * Stops the Workers and starts them again on the same port and state. `whileDown` runs once
   * they are gone (the test acts during the outage). Resolves once `/api/health` is ok again.
   */
  const restart = async ({ whileDown } = {}) => {
    await stop()
    await whileDown?.()
    stopping = false
    await up()
  }

  await up()
  return { url, stop, restart, output }
}
