import { configFromEnv, startSfu } from '@tangerine/sfu'
import type { TestProject } from 'vitest/node'

const APP_ID = 'tangerine-test'
// As long as a deployed secret must be (packages/contracts/src/secrets.ts), so tests may run as production.
const APP_SECRET = 'tangerine-test-secret-0123456789abcdef'

/**
 * vitest globalSetup: the local Calls-compatible SFU on an ephemeral port, standing in for
 * Cloudflare Calls at the network boundary, with its TURN API over a coturn on another free port.
 */
export default async function setup(project: TestProject) {
  const sfu = await startSfu({
    ...configFromEnv({ SFU_LOG_LEVEL: 'warn', SFU_UDP_PORT_RANGE: 'any', TANGERINE_ENV: 'development' }),
    host: '127.0.0.1',
    port: 0,
    apps: new Map([[APP_ID, APP_SECRET]]),
    turn: {
      port: 0,
      realm: 'tangerine-test',
      host: '127.0.0.1',
      listeningIp: '127.0.0.1',
      relayIp: '127.0.0.1',
      relayPorts: [49600, 49799],
      userdb: undefined,
    },
  })
  project.provide('sfu', {
    apiUrl: `${sfu.url}/v1`,
    appId: APP_ID,
    appSecret: APP_SECRET,
    accountApiUrl: `${sfu.url}/client/v4`,
    turnPort: sfu.turn!.port,
  })
  return () => sfu.close()
}
