import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { expectRefused, inProduction, STRONG } from '../../../scripts/test-support/weak-secrets.ts'
import worker from '../src/index.ts'

/*
 * Deployed (no TANGERINE_ENV=development), the gateway refuses every request while its session
 * secret is the committed example, short or missing: otherwise anyone could sign a session
 * cookie and a user key with the value in .dev.vars.example.
 */

const ask = (secrets: Record<string, string>) => inProduction(worker, env, '/api/session', secrets)

describe('gateway secrets outside local development', () => {
  it.each([
    ['the committed example', 'dev-only-session-secret-change-me'],
    ['a short one', 'x7Hq-9Lm'],
    ['none', ''],
  ])('503 with %s as SESSION_SECRET, and the log says which variable', async (_, value) => {
    expectRefused(await ask({ SESSION_SECRET: value }), 'SESSION_SECRET', value)
  })

  it('503 with an example value as the directory token', async () => {
    expectRefused(
      await ask({ SESSION_SECRET: STRONG, USER_DIRECTORY_TOKEN: 'dev-admin-token' }),
      'USER_DIRECTORY_TOKEN',
      'dev-admin-token',
    )
  })

  it.each([
    ['the committed example', 'dev-admin-token'],
    ['a short one', 'x7Hq-9Lm'],
  ])('503 with %s as the operator secret ADMIN_TOKEN', async (_, value) => {
    expectRefused(await ask({ SESSION_SECRET: STRONG, ADMIN_TOKEN: value }), 'ADMIN_TOKEN', value)
  })

  it('200 with a strong secret (the directory token and the operator secret may be empty)', async () => {
    const answer = await ask({ SESSION_SECRET: STRONG, USER_DIRECTORY_TOKEN: '', ADMIN_TOKEN: '' })
    expect(answer.status).toBe(200)
    expect(answer.logged).toBe('')
  })
})
