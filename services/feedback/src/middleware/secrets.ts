import { refuseWeakSecrets, type SecretRule } from '@tangerine/contracts/secrets'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'

/** This Worker's secrets. Empty ADMIN_TOKEN closes the dead-letter routes. FEEDBACK_URL is a destination, not a key we compare with: not checked. */
const SECRETS: SecretRule[] = [{ name: 'ADMIN_TOKEN', optional: true }]

/**
 * Outside local development, every request gets 503 while a secret is missing, short or a
 * committed example value (packages/contracts/src/secrets.ts); the log names the variable.
 */
export const strongSecrets = (secrets: SecretRule[] = SECRETS) =>
  createMiddleware<AppEnv>(refuseWeakSecrets('feedback', secrets))
