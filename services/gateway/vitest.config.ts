import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { roomsDatabase } from '../../scripts/test-support/rooms-database.ts'
import { sfuAsCalls } from '../../scripts/test-support/sfu-bindings.ts'
import { siblingWorkers } from '../../scripts/test-support/sibling-workers.ts'
import { ACCESS_AUD, ACCESS_TEAM_DOMAIN } from './test/support/access.ts'
import { OPERATOR_EMAIL, OPERATOR_TOKEN } from './test/support/operators.ts'

// The gateway is tested against the real sibling Workers, built as they deploy
// (`wrangler deploy --dry-run`), with the bindings their own wrangler configs declare,
// and against a real JWKS endpoint, user directory and the local SFU on loopback.
// The rooms Worker's meetings database, bound here too and migrated before each file, so the
// meetings projection and the ops views of it work as under `npm run dev`.
const roomsDb = await roomsDatabase()

const project = (name: string, include: string[], vars: Record<string, string>) => ({
  plugins: [
    cloudflareTest(({ inject }) => {
      const servers = inject('identityServers')
      const sfu = inject('sfu')
      const media = {
        ...sfuAsCalls(sfu),
        TURN_KEY_ENCRYPTION_KEY: 'gateway-test-turn-key',
      }
      // The media Worker once more, under another name, whose Calls API never answers: health.int.test.ts
      // binds it as MEDIA to see a slow service through the gateway's real health route.
      const [stalledMedia] = siblingWorkers(['services/media'], undefined, {
        'services/media': { ...media, CALLS_API_URL: `${inject('stalledUrl')}/v1` },
      })
      return {
        wrangler: { configPath: './wrangler.jsonc' },
        miniflare: {
          bindings: {
            TANGERINE_ENV: 'development',
            SESSION_SECRET: 'test-session-secret',
            USER_DIRECTORY_TOKEN: servers.directoryToken,
            ACCESS_TEAM_DOMAIN,
            ACCESS_AUD,
            ACCESS_JWKS_URL: servers.jwksUrl,
            // Never Cloudflare's: where a test turns the adapter off, Access's directory is local too.
            ACCESS_IDENTITY_URL: servers.identityUrl,
            // Access and lobby sessions side by side; access-required.int.test.ts takes this away.
            ACCESS_REQUIRED: 'false',
            USER_DIRECTORY_URL: servers.directoryUrl,
            USER_DIRECTORY_TIMEOUT_MS: '500',
            TEST_PRIVATE_JWK: servers.privateJwk,
            ...roomsDb.bindings,
            // The one operator secret, and the Access emails that are operators (ops.int.test.ts).
            ADMIN_TOKEN: OPERATOR_TOKEN,
            OPERATOR_EMAILS: `${OPERATOR_EMAIL}, second-operator@example.com`,
            ...vars,
          },
          d1Databases: roomsDb.d1Databases,
          serviceBindings: { STALLED_MEDIA: 'tangerine-media-stalled' },
          // The deployed limiters' kind with a small limit, for the flood tests: a loaded machine
          // cannot be relied on to send 500 requests within 10 s. 60 s, the longest period, so a
          // burst of a dozen straddles at most one window boundary.
          ratelimits: {
            SMALL_API_RATE_LIMITER: { namespace_id: '9001', simple: { limit: 5, period: 60 } },
            SMALL_ADDRESS_RATE_LIMITER: { namespace_id: '9003', simple: { limit: 5, period: 60 } },
            SMALL_OPS_RATE_LIMITER: { namespace_id: '9004', simple: { limit: 5, period: 60 } },
          },
          workers: siblingWorkers(
            ['services/rooms', 'services/media', 'services/ai', 'services/feedback', 'apps/web'],
            { name: 'tangerine-gateway', project: name },
            {
              'services/media': media,
              // No receiver: reports are logged by the consumer.
              'services/feedback': { FEEDBACK_URL: '' },
              // Nothing answers there: the AI routes tested here refuse before any call to OpenAI,
              // and one that slipped through would fail on loopback, not reach OpenAI's default.
              'services/ai': { OPENAI_MODEL_ENDPOINT: 'http://127.0.0.1:9/v1/realtime/calls' },
              // No sweep counts out a test's quiet socket (12.5 s without a heartbeat) on a slow run.
              'services/rooms': { HEARTBEAT_INTERVAL_MS: '3600000' },
            },
          ).concat({ ...stalledMedia!, name: 'tangerine-media-stalled' }),
        },
      }
    }),
  ],
  test: {
    name,
    include,
    setupFiles: ['../../scripts/test-support/migrate-rooms-database.ts', './test/support/warm-up.ts'],
  },
})

export default defineConfig({
  test: {
    globalSetup: [
      './test/support/identity-servers.ts',
      './test/support/stalled-server.ts',
      '../../scripts/test-support/sfu-setup.ts',
    ],
    // `npm run bench` (GATEWAY_BENCH=1) runs the ops bench instead of the tests, on the same setup.
    projects: process.env.GATEWAY_BENCH
      ? [project('gateway-bench', ['bench/*.bench.ts'], {})]
      : [
          project('gateway', ['test/*.int.test.ts'], {}),
          project('gateway-open', ['test/open/*.int.test.ts'], { DISABLE_LOBBY_ENFORCEMENT: 'true' }),
        ],
  },
})
