import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { siblingWorkers } from '../../scripts/test-support/sibling-workers.ts'

// The gateway is tested against the real sibling Workers, built as they deploy
// (`wrangler deploy --dry-run`), with the bindings their own wrangler configs declare.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: {
        bindings: { SESSION_SECRET: 'test-session-secret' },
        workers: siblingWorkers(['services/rooms', 'services/media', 'services/ai', 'services/feedback', 'apps/web'], {
          name: 'tangerine-gateway',
          project: 'gateway',
        }),
      },
    }),
  ],
  test: { name: 'gateway' },
})
