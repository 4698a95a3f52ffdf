import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { siblingWorkers } from '../../scripts/test-support/sibling-workers.ts'

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: { workers: siblingWorkers(['services/media']) },
    }),
  ],
  test: { name: 'ai' },
})
