import { spawn } from 'node:child_process'
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SFU_PORT, startSfu as startSupervisedSfu, TURN_PORT } from './local-sfu.mjs'
import { startWorkers } from './wrangler-dev.mjs'

export { startWorkers }

export { SFU_PORT, TURN_PORT }

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
    child.on('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`)),
    )
  })
}

/** Builds what `wrangler dev` serves but does not build itself: the SvelteKit Worker. */
export async function buildWeb() {
  await run('npm', ['run', 'build', '-w', 'apps/web'])
}

/**
 * Local secrets: each Worker's `.dev.vars`, made from its committed example on first run; a
 * variable added to the example later is appended, so an older checkout keeps working.
 */
export function ensureDevVars() {
  const nameOf = (line) => /^\s*([A-Za-z_]\w*)\s*=/.exec(line)?.[1]
  for (const config of workerConfigs) {
    const dir = join(root, dirname(config))
    const example = join(dir, '.dev.vars.example')
    const vars = join(dir, '.dev.vars')
    if (!existsSync(example)) continue
    if (!existsSync(vars)) {
      copyFileSync(example, vars)
      continue
    }
    const current = readFileSync(vars, 'utf8')
    const have = new Set(current.split('\n').map(nameOf).filter(Boolean))
    const missing = readFileSync(example, 'utf8')
      .split('\n')
      .filter((line) => nameOf(line) && !have.has(nameOf(line)))
    if (missing.length > 0)
      appendFileSync(vars, `${current.endsWith('\n') || current === '' ? '' : '\n'}${missing.join('\n')}\n`)
  }
}

/**
 * The local operator sign-in link: the ops page with the gateway's ADMIN_TOKEN in the fragment,
 * which browsers never send to a server; the page trades it for a cookie (POST /api/ops/session).
 */
export function operatorSignInLink(url) {
  const token = operatorToken()
  return token ? `${url}/ops#token=${encodeURIComponent(token)}` : undefined
}

/** The gateway's local ADMIN_TOKEN (services/gateway/.dev.vars), if one is set. */
export function operatorToken() {
  const vars = join(root, 'services/gateway/.dev.vars')
  if (!existsSync(vars)) return undefined
  return /^\s*ADMIN_TOKEN\s*=\s*(\S+)\s*$/m.exec(readFileSync(vars, 'utf8'))?.[1]
}

/** D1 schema for the meeting records, applied to the local database the stack will use. */
export async function applyD1Migrations(persistTo) {
  await run(
    'npx',
    [
      'wrangler',
      'd1',
      'migrations',
      'apply',
      'tangerine-meetings',
      '--local',
      '--persist-to',
      persistTo,
      '-c',
      'services/rooms/wrangler.jsonc',
    ],
    {
      env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
}

/**
 * The local Calls-compatible SFU (packages/sfu), the media plane when no Cloudflare account is
 * configured, with coturn (its child) serving TURN, supervised (local-sfu.mjs); coturn's user
 * database, which holds the TURN keys, is kept with the rest of the local state in `persistTo`.
 */
export function startSfu({ stdio = 'inherit', persistTo = join(root, '.wrangler/state'), ...ports } = {}) {
  return startSupervisedSfu({ root, stdio, persistTo, ...ports })
}

const FEEDBACK_CONFIG = 'services/feedback/wrangler.jsonc'

/**
 * The feedback Worker's config for a stack whose consumer must post to `feedbackUrl`. `--var`
 * reaches only the first Worker of a multi-config `wrangler dev`, and FEEDBACK_URL is a secret read
 * from the .dev.vars beside the config, so a copy of the config (its `main` made absolute) goes in
 * the stack's state folder with a .dev.vars of its own: nobody's own .dev.vars is touched.
 */
function feedbackConfigFor(feedbackUrl, persistTo, quickDeadLetters) {
  const source = join(root, dirname(FEEDBACK_CONFIG))
  const dir = join(persistTo, 'feedback-worker')
  mkdirSync(dir, { recursive: true })
  const config = readFileSync(join(root, FEEDBACK_CONFIG), 'utf8')
  const main = '"main": "src/index.ts"'
  // The test stack's reports die after two quick tries (the ops test's dead letters) rather than
  // half an hour of backoff; a delivery that works is the same either way.
  const quick = [
    ['"FEEDBACK_RETRY_BASE_SECONDS": "10"', '"FEEDBACK_RETRY_BASE_SECONDS": "0"'],
    ['"max_retries": 8', '"max_retries": 1'],
  ]
  for (const text of [main, ...(quickDeadLetters ? quick.map(([from]) => from) : [])])
    if (!config.includes(text)) throw new Error(`${FEEDBACK_CONFIG} no longer has ${text}: update feedbackConfigFor`)
  let copy = config.replace(main, `"main": ${JSON.stringify(join(source, 'src/index.ts'))}`)
  if (quickDeadLetters) for (const [from, to] of quick) copy = copy.replace(from, to)
  writeFileSync(join(dir, 'wrangler.jsonc'), copy)
  const devVars = existsSync(join(source, '.dev.vars')) ? readFileSync(join(source, '.dev.vars'), 'utf8') : ''
  const kept = devVars.split('\n').filter((line) => line.trim() && !/^\s*FEEDBACK_URL\s*=/.test(line))
  writeFileSync(join(dir, '.dev.vars'), [...kept, `FEEDBACK_URL=${feedbackUrl}`, ''].join('\n'))
  return join(dir, 'wrangler.jsonc')
}

/**
 * Starts the local SFU and every Worker in one `wrangler dev`, and waits until `/api/health`
 * reports all services up (the media Worker's check reaches the SFU).
 * `persistTo` keeps local D1, KV, Queue and Durable Object state between runs.
 * `feedbackUrl` points the feedback consumer at a receiver (the end-to-end tests run one);
 * `quickDeadLetters` has an undeliverable report dead after two tries at once (with `feedbackUrl`).
 */
export async function startStack({
  port = 8787,
  persistTo = join(root, '.wrangler/state'),
  stdio = 'inherit',
  timeoutMs = 90_000,
  feedbackUrl,
  quickDeadLetters = false,
} = {}) {
  if (!existsSync(join(root, 'apps/web/.svelte-kit/cloudflare/_worker.js'))) await buildWeb()
  ensureDevVars()
  await applyD1Migrations(persistTo)
  const sfu = await startSfu({ stdio, persistTo })
  const configs = feedbackUrl
    ? workerConfigs.map((c) =>
        c === FEEDBACK_CONFIG ? feedbackConfigFor(feedbackUrl, persistTo, quickDeadLetters) : c,
      )
    : workerConfigs
  let workers
  try {
    workers = await startWorkers({ root, configs, port, persistTo, stdio, timeoutMs })
  } catch (err) {
    await sfu.stop()
    throw new Error(`${err.message}\n${sfu.output.join('').slice(-2000)}`, { cause: err })
  }
  /** Stops every child, whatever state each is in: the SFU group and wrangler's, each SIGKILLed after a grace. */
  const stop = async () => {
    await Promise.all([sfu.stop(), workers.stop()])
  }
  // restartWorkers: the Workers runtime alone, stopped and started on the same port and state; the SFU is untouched.
  return { url: workers.url, stop, restartWorkers: workers.restart, output: workers.output, sfuPid: sfu.pid }
}
