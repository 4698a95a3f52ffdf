import { configFromEnv } from './config.ts'
import { createLogger } from './log.ts'
import { startSfu } from './server.ts'

const config = configFromEnv()
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
