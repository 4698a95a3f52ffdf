import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The dry run builds and starts six Workers: a minute or two on a loaded 2-core machine.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
})
