import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { expectRefused, inProduction, STRONG } from '../../../scripts/test-support/weak-secrets.ts'
import worker from '../src/index.ts'

/*
 * Deployed (no TANGERINE_ENV=development), the feedback Worker refuses every request while its
 * admin token is the committed example or short; empty closes the dead-letter routes instead.
 */

const ask = (secrets: Record<string, string>) => inProduction(worker, env, '/health', secrets)

describe('feedback secrets outside local development', () => {
  it.each([
    ['the committed example', 'dev-admin-token'],
    ['a short one', 'x7Hq-9Lm'],
  ])('503 with %s as ADMIN_TOKEN, and the log says which variable', async (_, value) => {
    expectRefused(await ask({ ADMIN_TOKEN: value }), 'ADMIN_TOKEN', value)
  })

  it.each([
    ['a strong token', STRONG],
    ['none', ''],
  ])('200 with %s', async (_, value) => {
    const answer = await ask({ ADMIN_TOKEN: value })
    expect(answer.status).toBe(200)
    expect(answer.logged).toBe('')
  })
})
