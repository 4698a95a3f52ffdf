import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

// The receiver is a real HTTP server on loopback (test/support/receiver.ts). The queues are
// miniflare's real ones, with the production consumer settings except what makes a test fast:
// no retry delay, 3 tries before the dead-letter queue, a short batch wait and delivery timeout.
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: {
        bindings: {
          TANGERINE_ENV: 'development',
          FEEDBACK_URL: inject('feedbackReceiver').hookUrl,
          ADMIN_TOKEN: 'test-admin-token',
          FEEDBACK_TIMEOUT_MS: '300',
          FEEDBACK_RETRY_BASE_SECONDS: '0',
        },
        queueConsumers: {
          'tangerine-feedback': {
            maxBatchSize: 10,
            maxBatchTimeout: 0.05,
            maxRetries: 2,
            deadLetterQueue: 'tangerine-feedback-dlq',
          },
          'tangerine-feedback-dlq': { maxBatchSize: 10, maxBatchTimeout: 0.05, maxRetries: 10 },
        },
      },
    })),
  ],
  test: {
    name: 'feedback',
    globalSetup: ['./test/support/receiver.ts'],
    // One receiver for every file, and one test closes its listener: files run one at a time.
    fileParallelism: false,
    testTimeout: 60_000,
  },
})
