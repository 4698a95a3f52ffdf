import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { unstable_readConfig } from 'wrangler'
import { defineConfig } from 'vitest/config'

// The receiver is a real HTTP server on loopback (test/support/receiver.ts). The queues are
// miniflare's real ones, with the production consumer settings except what makes a test fast:
// no retry delay, a short batch wait and delivery timeout, and (project `feedback`) 3 tries
// before the dead-letter queue. Project `feedback-production-retries` keeps the retry count
// wrangler.jsonc deploys, so one message goes through every production try to the dead letters.
const production = unstable_readConfig({ config: './wrangler.jsonc' }).queues.consumers ?? []
const productionMaxRetries = production.find((c) => c.queue === 'tangerine-feedback')?.max_retries
if (productionMaxRetries === undefined) throw new Error('wrangler.jsonc sets no max_retries for tangerine-feedback')

const project = (name: string, include: string[], exclude: string[], maxRetries: number) => ({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: {
        bindings: {
          TANGERINE_ENV: 'development',
          FEEDBACK_URL: inject('feedbackReceiver').hookUrl,
          FEEDBACK_TIMEOUT_MS: '300',
          FEEDBACK_RETRY_BASE_SECONDS: '0',
          TEST_MAX_RETRIES: String(maxRetries),
        },
        queueConsumers: {
          'tangerine-feedback': {
            maxBatchSize: 10,
            maxBatchTimeout: 0.05,
            maxRetries,
            deadLetterQueue: 'tangerine-feedback-dlq',
          },
          'tangerine-feedback-dlq': { maxBatchSize: 10, maxBatchTimeout: 0.05, maxRetries: 10 },
        },
      },
    })),
  ],
  test: { name, include, exclude },
})

const productionRetries = ['test/queue/production-retries.int.test.ts']

export default defineConfig({
  test: {
    globalSetup: ['./test/support/receiver.ts'],
    // One receiver for every file, and one test closes its listener: files run one at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    projects: [
      project('feedback', ['test/**/*.test.ts'], productionRetries, 2),
      project('feedback-production-retries', productionRetries, [], productionMaxRetries),
    ],
  },
})
