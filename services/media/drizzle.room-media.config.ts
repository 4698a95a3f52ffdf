import { defineConfig } from 'drizzle-kit'

// Migrations for each room's RoomMedia Durable Object's own SQLite, applied in its constructor.
export default defineConfig({
  dialect: 'sqlite',
  driver: 'durable-sqlite',
  schema: './src/db/schema.ts',
  out: './drizzle/room-media',
})
