import { refuseWeakSecrets, type SecretRule } from '@tangerine/contracts/secrets'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'

/** This Worker's secrets. An empty token means "The AI is not configured"; a set one must not be the fake peer's. */
const SECRETS: SecretRule[] = [{ name: 'OPENAI_API_TOKEN', optional: true }]

/**
 * Outside local development, every request gets 503 while a secret is missing, short or a
 * committed example value (packages/contracts/src/secrets.ts); the log names the variable.
 */
export const strongSecrets = (secrets: SecretRule[] = SECRETS) =>
  createMiddleware<AppEnv>(refuseWeakSecrets('ai', secrets))
