import { refuseWeakSecrets, type SecretRule } from '@tangerine/contracts/secrets'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'

/**
 * This Worker's secrets. SESSION_SECRET signs every session cookie and user key; the directory's
 * token is optional; ADMIN_TOKEN, the operator secret, may be empty (then only Access operators).
 */
const SECRETS: SecretRule[] = [
  { name: 'SESSION_SECRET' },
  { name: 'USER_DIRECTORY_TOKEN', optional: true },
  { name: 'ADMIN_TOKEN', optional: true },
]

/**
 * Outside local development, every request gets 503 while a secret is missing, short or a
 * committed example value (packages/contracts/src/secrets.ts); the log names the variable.
 */
export const strongSecrets = (secrets: SecretRule[] = SECRETS) =>
  createMiddleware<AppEnv>(refuseWeakSecrets('gateway', secrets))
