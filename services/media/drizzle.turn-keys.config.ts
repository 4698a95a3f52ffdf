import { defineConfig } from 'drizzle-kit'

// Migrations for the TurnKeys Durable Object's own SQLite, applied in its constructor.
export default defineConfig({
  dialect: 'sqlite',
  driver: 'durable-sqlite',
  schema: './src/db/turn-keys-schema.ts',
  out: './drizzle/turn-keys',
})
