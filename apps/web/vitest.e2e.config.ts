import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    name: 'web-e2e',
    include: ['e2e/**/*.e2e.test.ts'],
    globalSetup: ['../../scripts/test-support/stack-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
