import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations('./drizzle/meetings'),
          // An hour: no real sweep times out a test's quiet socket, however slow the machine. The
          // presence test moves the room's clock itself (room-socket.int.test.ts).
          HEARTBEAT_INTERVAL_MS: '3600000',
          // Small rooms, so the caps are reached with a handful of sockets.
          MAX_PARTICIPANTS: '6',
          MAX_LOBBY: '6',
        },
      },
    }),
  ],
  // Some tests append a few hundred events (snapshots, eviction): on a loaded 2-core machine that
  // outlasts vitest's 5 s default, which says nothing about the room.
  test: { name: 'rooms', setupFiles: ['./test/helpers/apply-migrations.ts'], testTimeout: 30_000 },
}))
