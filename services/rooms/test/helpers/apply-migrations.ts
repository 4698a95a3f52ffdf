import { applyD1Migrations } from 'cloudflare:test'
import { env } from 'cloudflare:workers'

// Idempotent: the same D1 migrations `wrangler d1 migrations apply` runs for dev and deploys.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
