import { spawn } from 'node:child_process'
import { copyFileSync, existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** Every Worker, gateway first: the first config is the one `wrangler dev` serves on its port. */
export const workerConfigs = [
  'services/gateway/wrangler.jsonc',
  'services/rooms/wrangler.jsonc',
  'services/media/wrangler.jsonc',
  'services/ai/wrangler.jsonc',
  'services/feedback/wrangler.jsonc',
  'apps/web/wrangler.jsonc',
]

function run(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options })
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))))
  })
}

/** Builds what `wrangler dev` serves but does not build itself: the SvelteKit Worker. */
export async function buildWeb() {
  await run('npm', ['run', 'build', '-w', 'apps/web'])
}

/** Local secrets: each Worker's `.dev.vars`, made from its committed example on first run. */
export function ensureDevVars() {
  for (const config of workerConfigs) {
    const dir = join(root, dirname(config))
    const example = join(dir, '.dev.vars.example')
    const vars = join(dir, '.dev.vars')
    if (existsSync(example) && !existsSync(vars)) copyFileSync(example, vars)
  }
}

/** D1 schema for the meeting records, applied to the local database the stack will use. */
export async function applyD1Migrations(persistTo) {
  await run('npx', ['wrangler', 'd1', 'migrations', 'apply', 'tangerine-meetings', '--local', '--persist-to', persistTo, '-c', 'services/rooms/wrangler.jsonc'], {
    env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
}

async function waitForHealth(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode} before it was healthy`)
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
 * Starts every Worker in one `wrangler dev` and waits until `/api/health` reports all services up.
 * `persistTo` keeps local D1, KV, Queue and Durable Object state between runs.
 */
export async function startStack({ port = 8787, persistTo = join(root, '.wrangler/state'), stdio = 'inherit', timeoutMs = 90_000 } = {}) {
  if (!existsSync(join(root, 'apps/web/.svelte-kit/cloudflare/_worker.js'))) await buildWeb()
  ensureDevVars()
  await applyD1Migrations(persistTo)
  const args = ['wrangler', 'dev', ...workerConfigs.flatMap((c) => ['-c', c]), '--port', String(port), '--ip', '127.0.0.1', '--persist-to', persistTo, '--show-interactive-dev-session=false']
  const child = spawn('npx', args, {
    cwd: root,
    stdio: stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    detached: true,
  })
  const output = []
  if (stdio !== 'inherit') {
    child.stdout.on('data', (d) => output.push(String(d)))
    child.stderr.on('data', (d) => output.push(String(d)))
  }
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {
      return
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }, 5000)
    await exited
    clearTimeout(timer)
  }
  try {
    await waitForHealth(url, child, timeoutMs)
  } catch (err) {
    await stop()
    throw new Error(`${err.message}\n${output.join('').slice(-4000)}`)
  }
  return { url, stop, output }
}
