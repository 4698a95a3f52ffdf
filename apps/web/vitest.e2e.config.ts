import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    name: 'web-e2e',
    include: ['e2e/**/*.e2e.test.ts'],
    globalSetup: ['../../scripts/test-support/stack-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // expect.poll waits 1 s by default: on a loaded 2-core machine a room event or a re-render
    // through the whole stack can take longer. Polls wait for a condition; none measures speed.
    expect: { poll: { timeout: 15_000 } },
  },
})
