import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { roomsDatabase } from '../../scripts/test-support/rooms-database.ts'
import { sfuAsCalls } from '../../scripts/test-support/sfu-bindings.ts'
import { siblingWorkers } from '../../scripts/test-support/sibling-workers.ts'

// Calls and the TURN API are the local SFU on loopback, with coturn (started by the global
// setup); the rooms Worker is the real one, built, for membership checks, with its meetings
// database migrated (else it logs an error for every meeting it opens).
export default defineConfig(async () => {
  const roomsDb = await roomsDatabase()
  return {
    plugins: [
      cloudflareTest(({ inject }) => {
        const sfu = inject('sfu')
        return {
          wrangler: { configPath: './wrangler.jsonc' },
          miniflare: {
            bindings: {
              TANGERINE_ENV: 'development',
              ...sfuAsCalls(sfu),
              TURN_KEY_ENCRYPTION_KEY: 'test-turn-key-encryption-key',
              ...roomsDb.bindings,
            },
            d1Databases: roomsDb.d1Databases,
            // The room's presence sweep would count out people these tests keep in a meeting without
            // heartbeats once 12.5 s pass, as a slow WebRTC handshake on a loaded machine can: an hour.
            workers: siblingWorkers(['services/rooms'], undefined, {
              'services/rooms': { HEARTBEAT_INTERVAL_MS: '3600000' },
            }),
          },
        }
      }),
    ],
    test: {
      name: 'media',
      globalSetup: ['../../scripts/test-support/sfu-setup.ts', '../../scripts/test-support/turn-probe-setup.ts'],
      setupFiles: ['../../scripts/test-support/migrate-rooms-database.ts'],
      // A file's first test also pays for the cold start of the media and rooms Workers and their
      // Durable Objects, which on a busy 2-core machine can pass vitest's 5 s (as in ai and feedback).
      testTimeout: 60_000,
    },
  }
})
