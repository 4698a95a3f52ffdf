// The local Calls-compatible SFU (packages/sfu) with its coturn, supervised: restarted with
// backoff when it dies, stopped as a whole process group (coturn included) when asked.
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { hasExited, howExited, keepTail, signalGroup, spawnGroup, stopGroup } from './process-group.mjs'
import { buildNative } from '../../packages/sfu/scripts/build-native.mjs'

/** The local SFU's port: the media Worker's CALLS_API_URL in services/media/.dev.vars.example names it. */
export const SFU_PORT = 7880
/** coturn's port beside the SFU (UDP and TCP), in the ICE servers the SFU's TURN API hands out. */
export const TURN_PORT = 3478

/** Restart delays: short first (a meeting waits on it), doubling up to the last while it keeps dying. */
const BACKOFF_MS = [100, 500, 1000, 2000, 5000, 10_000]
/** Up this long, the SFU counts as well again and the next crash restarts it after the first delay. */
const STABLE_MS = 10_000

async function waitForUrl(url, child, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (hasExited(child)) throw new Error(`${what} exited (${howExited(child)})`)
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs} ms`)
}

/** A line nobody misses in a terminal full of wrangler's output. */
function loudly(message) {
  console.error(`\n\x1b[1;31m✖ ${message}\x1b[0m\n`)
}

/**
 * Starts the SFU and keeps it up. `persistTo` holds coturn's user database (the TURN keys) and
 * `sfu.pid`, the running SFU's pid (tests kill it by that). Resolves once the first one answers.
 * `logFile` (default: $SFU_LOG_FILE; with a piped `stdio`) keeps the whole log of every SFU it starts
 * there, appended: the tail kept in memory is too short to read an end-to-end failure against what
 * the SFU did. `SFU_LOG_LEVEL=debug` in the environment makes that log say what it forwarded.
 */
export async function startSfu({
  root,
  stdio = 'inherit',
  persistTo,
  port = SFU_PORT,
  turnPort = TURN_PORT,
  logFile = process.env.SFU_LOG_FILE,
}) {
  mkdirSync(join(persistTo, 'turn'), { recursive: true })
  // Its native seal-and-send (a second to compile on a fresh checkout; without it, JavaScript).
  buildNative({ quiet: true })
  let log
  if (logFile && stdio !== 'inherit') {
    mkdirSync(dirname(logFile), { recursive: true })
    log = createWriteStream(logFile, { flags: 'a' })
  }
  const healthz = `http://127.0.0.1:${port}/healthz`
  try {
    await fetch(healthz)
    throw new Error(`Port ${port} is taken (is \`npm run dev\` running?): the local SFU needs it`)
  } catch (err) {
    if (err.message.startsWith('Port')) throw err
  }
  const output = []
  const pidFile = join(persistTo, 'sfu.pid')
  let stopping = false
  let child
  let crashes = 0
  let upSince = 0
  let restartTimer

  const spawnOne = () => {
    const started = spawnGroup(process.execPath, ['packages/sfu/src/main.ts'], {
      cwd: root,
      stdio: stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      env: {
        SFU_LOG_LEVEL: 'info',
        ...process.env,
        // Local development: the SFU's dev app (tangerine-dev:dev-secret) is accepted.
        TANGERINE_ENV: 'development',
        SFU_PORT: String(port),
        SFU_HOST: '127.0.0.1',
        SFU_TURN_PORT: String(turnPort),
        SFU_TURN_USERDB: join(persistTo, 'turn', 'turndb.sqlite'),
      },
    })
    if (stdio !== 'inherit') keepTail(started, output)
    if (log) for (const stream of [started.stdout, started.stderr]) stream?.on('data', (d) => log.write(d))
    writeFileSync(pidFile, String(started.pid))
    started.once('exit', () => onExit(started))
    return started
  }

  const onExit = (dead) => {
    if (stopping || dead !== child) return
    if (Date.now() - upSince > STABLE_MS) crashes = 0
    const delay = BACKOFF_MS[Math.min(crashes, BACKOFF_MS.length - 1)]
    crashes += 1
    loudly(`The local SFU died (${howExited(dead)}): the media plane is down. Restarting it in ${delay} ms.`)
    // Its coturn outlived it in the group and holds the TURN port: it goes before the next one starts.
    signalGroup(dead.pid, 'SIGKILL')
    restartTimer = setTimeout(restart, delay)
  }

  const restart = async () => {
    if (stopping) return
    child = spawnOne()
    const current = child
    try {
      await waitForUrl(healthz, current, 'the local SFU', 15_000)
      upSince = Date.now()
      console.error(`The local SFU is back (pid ${current.pid}).`)
    } catch (err) {
      // Dead before it answered: its exit handler restarts it. Alive but silent: kill it, same path.
      if (!hasExited(current)) {
        loudly(`${err.message}: killing it to start another.`)
        signalGroup(current.pid, 'SIGKILL')
      }
    }
  }

  child = spawnOne()
  try {
    await waitForUrl(healthz, child, 'the local SFU', 15_000)
  } catch (err) {
    stopping = true
    await stopGroup(child, 0)
    log?.end()
    throw new Error(`${err.message}\n${output.join('').slice(-2000)}`, { cause: err })
  }
  upSince = Date.now()

  const stop = async () => {
    stopping = true
    clearTimeout(restartTimer)
    await stopGroup(child, 3000)
    await new Promise((resolve) => (log ? log.end(resolve) : resolve()))
  }
  return { stop, output, pid: () => child.pid }
}
