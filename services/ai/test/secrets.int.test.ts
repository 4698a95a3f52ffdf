import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { expectRefused, inProduction, STRONG } from '../../../scripts/test-support/weak-secrets.ts'
import worker from '../src/index.ts'

/*
 * Deployed (no TANGERINE_ENV=development), the ai Worker refuses every request while its OpenAI
 * token is the committed fake peer's or short; an empty one only means "the AI is not configured".
 */

const ask = (secrets: Record<string, string>) => inProduction(worker, env, '/health', secrets)

describe('ai secrets outside local development', () => {
  it.each([
    ['the committed example', 'local-fake-openai-token'],
    ['a short one', 'sk-x7Hq9Lm'],
  ])('503 with %s as OPENAI_API_TOKEN, and the log says which variable', async (_, value) => {
    expectRefused(await ask({ OPENAI_API_TOKEN: value }), 'OPENAI_API_TOKEN', value)
  })

  it.each([
    ['a strong token', `sk-${STRONG}`],
    ['none', ''],
  ])('200 with %s', async (_, value) => {
    const answer = await ask({ OPENAI_API_TOKEN: value })
    expect(answer.status).toBe(200)
    expect(answer.logged).toBe('')
  })
})
