import { availableParallelism } from 'node:os'
import { DEV_FLAG, DEV_FLAG_VALUE, isLocalDevelopment, MIN_SECRET_BYTES, weakness } from '@tangerine/contracts/secrets'

/** SFU configuration, read once from the environment (see README.md for every variable). */
export interface SfuConfig {
  host: string
  port: number
  /** The address put in ICE host candidates: what peers send media to. */
  announcedIp: string
  /** Local address the UDP sockets bind to. */
  udpBindIp: string
  /** Inclusive UDP port range for ICE; undefined means any free port. */
  udpPortRange: [number, number] | undefined
  /** appId → app secret. */
  apps: Map<string, string>
  /** A session that is not connected for this long is closed. */
  sessionIdleTimeoutMs: number
  /** A published track that receives no media for this long is closed. */
  trackIdleTimeoutMs: number
  /** How long closed session ids are remembered so they answer 410 instead of 404. */
  closedSessionMemoryMs: number
  maxBodyBytes: number
  /**
   * How long an operation that needs the session's transport waits for it to connect before
   * answering 425 `session_error` (Cloudflare: "up to five seconds"); 0 does not wait or refuse.
   */
  transportWaitMs: number
  logLevel: LogLevel
  /**
   * Shards: worker threads that each hold whole sessions, so forwarding uses every core
   * (`src/shards/`); one per core by default. 1 runs everything on the main thread.
   */
  workers: number
  /**
   * Seal and send each forwarded copy through the native addon (`native/fast-send.c`) when it is
   * built; `SFU_FAST_SEND=off` keeps Node's cipher and `dgram`, the path without the addon.
   */
  fastSend: boolean
  /** TURN through a coturn child process; undefined: no TURN, and the TURN API answers 404. */
  turn?: TurnConfig
}

export interface TurnConfig {
  /** coturn's listening port (UDP and TCP); 0 picks a free one. */
  port: number
  realm: string
  /** The host put in the TURN/STUN URLs handed to browsers. */
  host: string
  listeningIp: string
  relayIp: string
  relayPorts: [number, number]
  /** coturn's SQLite user database; undefined: a fresh file in a temporary directory. */
  userdb: string | undefined
  /** RFC 6062 TCP relay allocations (SFU_TURN_TCP_RELAY=true); off by default. */
  tcpRelay?: boolean
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export const DEFAULT_PORT = 7880
/** https://developers.cloudflare.com/realtime/sfu/platform/limits/ ("PeerConnection requirements"). */
export const DEFAULT_TRANSPORT_WAIT_MS = 5_000
export const DEV_APP_ID = 'tangerine-dev'
export const DEV_APP_SECRET = 'dev-secret'

export function parseApps(value: string): Map<string, string> {
  const apps = new Map<string, string>()
  for (const pair of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const colon = pair.indexOf(':')
    if (colon <= 0 || colon === pair.length - 1) {
      throw new Error(`SFU_APPS entry must be appId:secret, got "${pair.slice(0, colon > 0 ? colon : 20)}:…"`)
    }
    apps.set(pair.slice(0, colon), pair.slice(colon + 1))
  }
  if (apps.size === 0) throw new Error('SFU_APPS names no app')
  return apps
}

export function parsePortRange(value: string): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(value.trim())
  const min = Number(match?.[1])
  const max = Number(match?.[2])
  if (!match || !(min > 0 && max <= 65535 && min < max)) {
    throw new Error(`SFU_UDP_PORT_RANGE must be "min-max" with min < max, got "${value}"`)
  }
  return [min, max]
}

/** `on`/`off` (also `true`/`false`, `1`/`0`); anything else is refused rather than guessed. */
function flag(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback
  if (['on', 'true', '1'].includes(value)) return true
  if (['off', 'false', '0'].includes(value)) return false
  throw new Error(`${name} must be on or off, got "${value}"`)
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`)
  return n
}

/**
 * Outside local development the apps' secrets are Calls app secrets anyone could use: the dev
 * app's fallback is public, so SFU_APPS must be set, and each secret must be long and not a
 * committed example. The message names the app ids, never a secret.
 */
export function checkAppSecrets(apps: Map<string, string>, env: Record<string, string | undefined>): void {
  if (isLocalDevelopment(env)) return
  const problems = env.SFU_APPS
    ? [...apps].flatMap(([id, secret]) => {
        const reason = weakness(secret)
        return reason ? [`the secret of app "${id}" is ${reason}`] : []
      })
    : [`SFU_APPS is missing (the fallback ${DEV_APP_ID}:${DEV_APP_SECRET} is for local development only)`]
  if (problems.length > 0) {
    throw new Error(
      `SFU_APPS: ${problems.join('; ')}. Give each app a random secret of at least ${MIN_SECRET_BYTES} bytes, or set ${DEV_FLAG}=${DEV_FLAG_VALUE} for local development.`,
    )
  }
}

export function configFromEnv(env: Record<string, string | undefined> = process.env): SfuConfig {
  const range = env.SFU_UDP_PORT_RANGE ?? '40000-40199'
  const apps = parseApps(env.SFU_APPS ?? `${DEV_APP_ID}:${DEV_APP_SECRET}`)
  checkAppSecrets(apps, env)
  return {
    host: env.SFU_HOST ?? '0.0.0.0',
    port: int(env.SFU_PORT, DEFAULT_PORT, 'SFU_PORT'),
    announcedIp: env.SFU_ANNOUNCED_IP ?? '127.0.0.1',
    udpBindIp: env.SFU_UDP_BIND_IP ?? '0.0.0.0',
    udpPortRange: range === 'any' ? undefined : parsePortRange(range),
    apps,
    sessionIdleTimeoutMs: int(env.SFU_SESSION_IDLE_TIMEOUT_MS, 30_000, 'SFU_SESSION_IDLE_TIMEOUT_MS'),
    trackIdleTimeoutMs: int(env.SFU_TRACK_IDLE_TIMEOUT_MS, 30_000, 'SFU_TRACK_IDLE_TIMEOUT_MS'),
    closedSessionMemoryMs: 10 * 60_000,
    maxBodyBytes: int(env.SFU_MAX_BODY_BYTES, 1024 * 1024, 'SFU_MAX_BODY_BYTES'),
    transportWaitMs: int(env.SFU_TRANSPORT_WAIT_MS, DEFAULT_TRANSPORT_WAIT_MS, 'SFU_TRANSPORT_WAIT_MS'),
    logLevel: (env.SFU_LOG_LEVEL as LogLevel | undefined) ?? 'info',
    // One shard per core unless SFU_WORKERS says otherwise (README, "Using every core"); 1 keeps
    // every session on the main thread.
    workers:
      env.SFU_WORKERS === undefined || env.SFU_WORKERS === 'auto'
        ? availableParallelism()
        : Math.max(1, int(env.SFU_WORKERS, 1, 'SFU_WORKERS')),
    fastSend: flag(env.SFU_FAST_SEND, true, 'SFU_FAST_SEND'),
    turn: turnFromEnv(env),
  }
}

function turnFromEnv(env: Record<string, string | undefined>): TurnConfig | undefined {
  if (env.SFU_TURN_PORT === undefined || env.SFU_TURN_PORT === '' || env.SFU_TURN_PORT === 'off') return undefined
  const listeningIp = env.SFU_TURN_LISTENING_IP ?? '127.0.0.1'
  return {
    port: int(env.SFU_TURN_PORT, 3478, 'SFU_TURN_PORT'),
    realm: env.SFU_TURN_REALM ?? 'tangerine',
    host: env.SFU_TURN_HOST ?? env.SFU_ANNOUNCED_IP ?? '127.0.0.1',
    listeningIp,
    relayIp: env.SFU_TURN_RELAY_IP ?? listeningIp,
    relayPorts: parsePortRange(env.SFU_TURN_RELAY_PORT_RANGE ?? '49160-49359'),
    userdb: env.SFU_TURN_USERDB || undefined,
    tcpRelay: env.SFU_TURN_TCP_RELAY === 'true',
  }
}
