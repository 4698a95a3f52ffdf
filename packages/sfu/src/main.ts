import { configFromEnv, type SfuConfig } from './config.ts'
import { createLogger } from './log.ts'

let config: SfuConfig
try {
  config = configFromEnv()
} catch (err) {
  // A clear line and a non-zero exit, not a stack trace: this is the operator's to fix.
  console.error(`sfu: refusing to start: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}
const log = createLogger(config.logLevel)

// The log goes to stdout; when whoever reads it has gone (EPIPE), every write fails, and logging
// that failure as an uncaught exception would fail again, forever. Nobody is left to serve: stop.
let stdoutGone = false
const running: { sfu?: { close(): Promise<void> } } = {}
process.stdout.on('error', () => {
  if (stdoutGone) return
  stdoutGone = true
  void (running.sfu?.close() ?? Promise.resolve()).finally(() => process.exit(1))
})

// A peer that vanishes mid-stream can make werift reject deep inside a socket
// callback; one broken session must not take the media plane down with it.
process.on('unhandledRejection', (err) => stdoutGone || log.error('unhandled rejection', { err }))
process.on('uncaughtException', (err) => stdoutGone || log.error('uncaught exception', { err }))

// Shards when SFU_WORKERS asks for more than one (README, "Using every core"); 1 keeps every session on this thread.
// Only the running mode's code is loaded: a sharded SFU's main thread serves HTTP and never loads
// the media stack (werift, the session code), which each shard loads for itself.
const sfu =
  config.workers > 1
    ? await (await import('./shards/sharded-server.ts')).startShardedSfu(config, log)
    : await (await import('./server.ts')).startSfu(config, log)
running.sfu = sfu
log.info('sfu listening', {
  url: sfu.url,
  apiBase: `${sfu.url}/v1`,
  announcedIp: config.announcedIp,
  udpPortRange: config.udpPortRange ?? 'any',
  apps: [...config.apps.keys()],
  turnPort: sfu.turn?.port ?? 'off',
  shards: config.workers,
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info('shutting down', { signal })
    void sfu.close().then(() => process.exit(0))
  })
}
