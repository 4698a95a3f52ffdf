import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { expectRefused, inProduction, STRONG } from '../../../scripts/test-support/weak-secrets.ts'
import worker from '../src/index.ts'

/*
 * Deployed (no TANGERINE_ENV=development), the media Worker refuses every request while a secret
 * is a committed example, short or missing (ADMIN_TOKEN may be empty: that closes the admin routes).
 */

// The test SFU's app secret is itself a strong one, so /health can reach it as production would.
const strong = { TURN_KEY_ENCRYPTION_KEY: STRONG, ADMIN_TOKEN: `${STRONG}-admin` }
const ask = (secrets: Record<string, string>) => inProduction(worker, env, '/health', { ...strong, ...secrets })

describe('media secrets outside local development', () => {
  it.each([
    ['CALLS_APP_SECRET', 'dev-secret'],
    ['CLOUDFLARE_API_TOKEN', 'dev-secret'],
    ['TURN_KEY_ENCRYPTION_KEY', 'dev-turn-key-encryption-key'],
    ['ADMIN_TOKEN', 'dev-admin-token'],
    ['CALLS_APP_SECRET', 'x7Hq-9Lm'],
    ['TURN_KEY_ENCRYPTION_KEY', 'x7Hq-9Lm'],
    ['CALLS_APP_SECRET', ''],
    ['TURN_KEY_ENCRYPTION_KEY', ''],
  ])('503 with %s = %j, and the log says which variable', async (name, value) => {
    expectRefused(await ask({ [name]: value }), name, value)
  })

  it('200 with strong secrets, and with no admin token', async () => {
    expect(env.CALLS_APP_SECRET.length).toBeGreaterThanOrEqual(32)
    for (const secrets of [{}, { ADMIN_TOKEN: '' }] as Record<string, string>[]) {
      const answer = await ask(secrets)
      expect(answer.status).toBe(200)
      expect(answer.logged).toBe('')
    }
  })
})
