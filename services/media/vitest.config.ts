import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { sfuAsCalls } from '../../scripts/test-support/sfu-bindings.ts'
import { siblingWorkers } from '../../scripts/test-support/sibling-workers.ts'

// Calls and the TURN API are the local SFU on loopback, with coturn (started by the global
// setup); the rooms Worker is the real one, built, for membership checks.
export default defineConfig({
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
            ADMIN_TOKEN: 'test-admin-token',
          },
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
    // A file's first test also pays for the cold start of the media and rooms Workers and their
    // Durable Objects, which on a busy 2-core machine can pass vitest's 5 s (as in ai and feedback).
    testTimeout: 60_000,
  },
})
