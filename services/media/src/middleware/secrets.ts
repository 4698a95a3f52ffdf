import { refuseWeakSecrets, type SecretRule } from '@tangerine/contracts/secrets'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'

/** This Worker's secrets. Operators are the gateway's business: no admin token here. */
const SECRETS: SecretRule[] = [
  { name: 'CALLS_APP_SECRET' },
  { name: 'CLOUDFLARE_API_TOKEN' },
  { name: 'TURN_KEY_ENCRYPTION_KEY' },
]

/**
 * Outside local development, every request gets 503 while a secret is missing, short or a
 * committed example value (packages/contracts/src/secrets.ts); the log names the variable.
 */
export const strongSecrets = (secrets: SecretRule[] = SECRETS) =>
  createMiddleware<AppEnv>(refuseWeakSecrets('media', secrets))
