import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 30_000,
    // Media tests open many UDP sockets and DTLS handshakes; one file at a time
    // keeps a 2-core machine from starving the timing-sensitive ones.
    fileParallelism: false,
  },
})
