import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { siblingWorkers } from '../../scripts/test-support/sibling-workers.ts'

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => {
      const sfu = inject('sfu')
      return {
        wrangler: { configPath: './wrangler.jsonc' },
        miniflare: {
          workers: siblingWorkers(['services/media', 'services/rooms'], undefined, {
            'services/media': { CALLS_API_URL: sfu.apiUrl, CALLS_APP_ID: sfu.appId, CALLS_APP_SECRET: sfu.appSecret },
          }),
        },
      }
    }),
  ],
  test: { name: 'ai', globalSetup: ['../../scripts/test-support/sfu-setup.ts'] },
})
