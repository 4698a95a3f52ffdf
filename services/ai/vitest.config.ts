import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { roomsDatabase } from '../../scripts/test-support/rooms-database.ts'
import { siblingWorkers } from '../../scripts/test-support/sibling-workers.ts'

// Calls is the local SFU and OpenAI the fake Realtime peer, both on loopback (global setups);
// media and rooms are the real Workers, built; rooms' D1 is migrated so it records meetings.
export default defineConfig(async () => {
  const roomsDb = await roomsDatabase()
  return {
    plugins: [
      cloudflareTest(({ inject }) => {
        const sfu = inject('sfu')
        const openai = inject('openaiPeer')
        return {
          wrangler: { configPath: './wrangler.jsonc' },
          miniflare: {
            bindings: {
              TANGERINE_ENV: 'development',
              OPENAI_MODEL_ENDPOINT: `${openai.url}/v1/realtime/calls`,
              OPENAI_API_TOKEN: openai.token,
              OPENAI_TIMEOUT_MS: '5000',
              ...roomsDb.bindings,
            },
            d1Databases: roomsDb.d1Databases,
            workers: siblingWorkers(
              ['services/media', 'services/rooms'],
              { name: 'tangerine-ai', project: 'ai' },
              {
                'services/media': {
                  CALLS_API_URL: sfu.apiUrl,
                  CALLS_APP_ID: sfu.appId,
                  CALLS_APP_SECRET: sfu.appSecret,
                },
                // The room's presence sweep would count out people these tests keep in a meeting
                // without heartbeats once 12.5 s pass, as a slow WebRTC handshake can: an hour.
                'services/rooms': { HEARTBEAT_INTERVAL_MS: '3600000' },
              },
            ),
          },
        }
      }),
    ],
    test: {
      name: 'ai',
      globalSetup: ['../../scripts/test-support/sfu-setup.ts', '../../scripts/test-support/openai-peer-setup.ts'],
      // WebRTC handshakes in werift are slow on a loaded 2-core machine.
      testTimeout: 60_000,
      // One Realtime peer for every file, whose list of calls and failure mode tests read and set:
      // files run one at a time (as they do anyway on 2 cores), whatever the machine.
      fileParallelism: false,
      setupFiles: ['../../scripts/test-support/migrate-rooms-database.ts'],
    },
  }
})
