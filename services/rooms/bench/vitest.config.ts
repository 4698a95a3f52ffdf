import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.jsonc' } })],
  test: { name: 'rooms-bench', include: ['bench/*.bench.ts'], globalSetup: ['./bench/os-cache-setup.ts'] },
})
