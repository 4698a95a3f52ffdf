import { applyD1Migrations, type D1Migration } from 'cloudflare:test'
import { env } from 'cloudflare:workers'

// Bound by roomsDatabase() in the test's vitest config; idempotent, once per test file.
const bound = env as unknown as { ROOMS_DB: D1Database; ROOMS_MIGRATIONS: D1Migration[] }
await applyD1Migrations(bound.ROOMS_DB, bound.ROOMS_MIGRATIONS)
