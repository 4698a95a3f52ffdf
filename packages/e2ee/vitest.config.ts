import { defineConfig } from 'vitest/config'

export default defineConfig({ test: { name: 'e2ee', include: ['test/**/*.test.ts'] } })
