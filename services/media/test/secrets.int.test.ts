import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { expectRefused, inProduction, STRONG } from '../../../scripts/test-support/weak-secrets.ts'
import worker from '../src/index.ts'

/*
 * Deployed (no TANGERINE_ENV=development), the media Worker refuses every request while a secret
 * is a committed example, short or missing. (The operator secret is the gateway's alone.)
 */

// The test SFU's app secret is itself a strong one, so /health can reach it as production would.
const strong = { TURN_KEY_ENCRYPTION_KEY: STRONG }
const ask = (secrets: Record<string, string>) => inProduction(worker, env, '/health', { ...strong, ...secrets })

describe('media secrets outside local development', () => {
  it.each([
    ['CALLS_APP_SECRET', 'dev-secret'],
    ['CLOUDFLARE_API_TOKEN', 'dev-secret'],
    ['TURN_KEY_ENCRYPTION_KEY', 'dev-turn-key-encryption-key'],
    ['CALLS_APP_SECRET', 'x7Hq-9Lm'],
    ['TURN_KEY_ENCRYPTION_KEY', 'x7Hq-9Lm'],
    ['CALLS_APP_SECRET', ''],
    ['TURN_KEY_ENCRYPTION_KEY', ''],
  ])('503 with %s = %j, and the log says which variable', async (name, value) => {
    expectRefused(await ask({ [name]: value }), name, value)
  })

  it('200 with strong secrets', async () => {
    expect(env.CALLS_APP_SECRET.length).toBeGreaterThanOrEqual(32)
    const answer = await ask({})
    expect(answer.status).toBe(200)
    expect(answer.logged).toBe('')
  })
})
