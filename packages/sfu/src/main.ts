import { configFromEnv, type SfuConfig } from './config.ts'
import { createLogger } from './log.ts'
import { startSfu } from './server.ts'

let config: SfuConfig
try {
  config = configFromEnv()
} catch (err) {
  // A clear line and a non-zero exit, not a stack trace: this is the operator's to fix.
  console.error(`sfu: refusing to start: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}
const log = createLogger(config.logLevel)

// A peer that vanishes mid-stream can make werift reject deep inside a socket
// callback; one broken session must not take the media plane down with it.
process.on('unhandledRejection', (err) => log.error('unhandled rejection', { err }))
process.on('uncaughtException', (err) => log.error('uncaught exception', { err }))

const sfu = await startSfu(config, log)
log.info('sfu listening', {
  url: sfu.url,
  apiBase: `${sfu.url}/v1`,
  announcedIp: config.announcedIp,
  udpPortRange: config.udpPortRange ?? 'any',
  apps: [...config.apps.keys()],
  turnPort: sfu.turn?.port ?? 'off',
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info('shutting down', { signal })
    void sfu.close().then(() => process.exit(0))
  })
}
