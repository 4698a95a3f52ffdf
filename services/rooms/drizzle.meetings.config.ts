import { defineConfig } from 'drizzle-kit'

// Migrations for the D1 database of meeting records, applied with `wrangler d1 migrations apply`.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/meetings-schema.ts',
  out: './drizzle/meetings',
})
