import { defineConfig } from 'vitest/config'

export default defineConfig({ test: { name: 'room-model', include: ['test/**/*.test.ts'] } })
