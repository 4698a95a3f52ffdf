import type { MiddlewareHandler } from 'hono'
import { problem, problemTypes } from './errors.ts'
import { log } from './log.ts'

/*
 * Secrets outside local development. The committed examples (each `.dev.vars.example`) and the
 * in-code fallbacks are public, so a deployment running with one of them, or with none, or with
 * one short enough to guess, is refused loudly instead of quietly trusting what anyone can forge.
 * One check, used by every Worker (a middleware) and by the SFU (at start).
 */

/** The variable only `npm run dev` (each `.dev.vars`, the SFU's environment) and the tests set. */
export const DEV_FLAG = 'TANGERINE_ENV'
export const DEV_FLAG_VALUE = 'development'

export const MIN_SECRET_BYTES = 32

/** Every committed example value and in-code fallback of a secret. */
export const EXAMPLE_SECRETS: readonly string[] = [
  'dev-only-session-secret-change-me', // services/gateway/.dev.vars.example SESSION_SECRET
  'dev-secret', // services/media/.dev.vars.example CALLS_APP_SECRET, CLOUDFLARE_API_TOKEN; the SFU's fallback app
  'dev-turn-key-encryption-key', // services/media/.dev.vars.example
  'dev-admin-token', // services/gateway/.dev.vars.example ADMIN_TOKEN, the operator secret
  'local-fake-openai-token', // services/ai/.dev.vars.example
]

export interface SecretRule {
  name: string
  /** Empty turns a feature off (e.g. admin routes), so only a value that is set must be strong. */
  optional?: boolean
}

export interface WeakSecret {
  name: string
  reason: 'missing' | 'too short' | 'a committed example value'
}

export function isLocalDevelopment(env: object): boolean {
  return (env as Record<string, unknown>)[DEV_FLAG] === DEV_FLAG_VALUE
}

/** Why a secret value is unfit outside local development; undefined when it is fit. */
export function weakness(value: string | undefined, optional = false): WeakSecret['reason'] | undefined {
  if (value === undefined || value === '') return optional ? undefined : 'missing'
  if (EXAMPLE_SECRETS.includes(value)) return 'a committed example value'
  if (new TextEncoder().encode(value).length < MIN_SECRET_BYTES) return 'too short'
  return undefined
}

/** The secrets in `env` that are unfit, by name and reason (never the value); none in local development. */
export function weakSecrets(env: object, rules: readonly SecretRule[]): WeakSecret[] {
  if (isLocalDevelopment(env)) return []
  const values = env as Record<string, unknown>
  return rules.flatMap(({ name, optional }) => {
    const value = values[name]
    const reason = weakness(typeof value === 'string' ? value : undefined, optional)
    return reason ? [{ name, reason }] : []
  })
}

export function describeWeakSecrets(weak: readonly WeakSecret[]): string {
  return `${weak.map((w) => `${w.name} is ${w.reason}`).join('; ')}: set ${weak.length > 1 ? 'them' : 'it'} to a random value of at least ${MIN_SECRET_BYTES} bytes (wrangler secret put), or ${DEV_FLAG}=${DEV_FLAG_VALUE} for local development only`
}

/** Logged once per env object (an isolate's bindings), not once per refused request. */
const logged = new WeakSet<object>()

/**
 * Refuses every request with 503 while `service`'s secrets are unfit, and says why in the log.
 * Each Worker's `middleware/secrets.ts` names its secrets.
 */
export function refuseWeakSecrets(service: string, rules: readonly SecretRule[]): MiddlewareHandler {
  return async (c, next) => {
    const env = (c.env ?? {}) as object
    const weak = weakSecrets(env, rules)
    if (weak.length === 0) return next()
    const detail = describeWeakSecrets(weak)
    if (!logged.has(env)) {
      logged.add(env)
      log('error', 'refusing requests: weak secrets', { service, detail })
    }
    // The caller learns only that it is refused; which secret and why is for the operator's log.
    return c.json(
      problem(503, 'Not configured', {
        type: problemTypes.unavailable,
        detail: `The ${service} service refuses requests until its secrets are set; its log says which.`,
      }),
      503,
    )
  }
}
