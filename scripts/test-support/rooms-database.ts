import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readD1Migrations } from '@cloudflare/vitest-plugin'
import { unstable_readConfig } from 'wrangler'

const rooms = resolve(dirname(fileURLToPath(import.meta.url)), '../../services/rooms')

/**
 * Miniflare options that bind the rooms Worker's D1 (same database id, so the same data) into a
 * test's own Worker as ROOMS_DB, with its migrations: `migrate-rooms-database.ts`, as a setup
 * file, then applies them, so the sibling rooms Worker records meetings as it does under
 * `npm run dev` instead of failing on a database without tables.
 */
export async function roomsDatabase() {
  const [database] = unstable_readConfig({ config: join(rooms, 'wrangler.jsonc') }).d1_databases
  if (!database?.database_id || !database.migrations_dir)
    throw new Error('services/rooms has no D1 database with migrations')
  return {
    d1Databases: { ROOMS_DB: database.database_id },
    bindings: { ROOMS_MIGRATIONS: await readD1Migrations(join(rooms, database.migrations_dir)) },
  }
}
