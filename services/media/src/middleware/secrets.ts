import { refuseWeakSecrets, type SecretRule } from '@tangerine/contracts/secrets'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'

/** This Worker's secrets. Empty ADMIN_TOKEN closes the TURN admin routes, so only a set one must be strong. */
const SECRETS: SecretRule[] = [
  { name: 'CALLS_APP_SECRET' },
  { name: 'CLOUDFLARE_API_TOKEN' },
  { name: 'TURN_KEY_ENCRYPTION_KEY' },
  { name: 'ADMIN_TOKEN', optional: true },
]

/**
 * Outside local development, every request gets 503 while a secret is missing, short or a
 * committed example value (packages/contracts/src/secrets.ts); the log names the variable.
 */
export const strongSecrets = (secrets: SecretRule[] = SECRETS) =>
  createMiddleware<AppEnv>(refuseWeakSecrets('media', secrets))
