import { SESSION_COOKIE } from '@tangerine/contracts'
import { ProblemDetails } from '@tangerine/contracts/errors'
import { createExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { newSessionId, signSession } from '../src/identity/session-cookie.ts'
import worker from '../src/index.ts'
import { accessToken } from './support/access.ts'

/*
 * With Access configured and required (ACCESS_REQUIRED not "false", the default), nothing gets
 * in without a verified Access token: not a lobby cookie, not Access's email header, on the API
 * or on pages. These requests go through the gateway's own handler with its real bindings, only
 * ACCESS_REQUIRED put back to its default (the other tests run with lobby sessions beside Access).
 */

const required = { ...env, ACCESS_REQUIRED: '', TRUST_ACCESS_EMAIL_HEADER: 'true' } as GatewayEnv
const ask = async (path: string, headers: Record<string, string>) => {
  const res = await worker.fetch(
    new Request(`http://localhost${path}`, { headers }),
    required,
    createExecutionContext(),
  )
  return { status: res.status, body: (await res.json().catch(() => undefined)) as unknown }
}
const cookie = async () =>
  `${SESSION_COOKIE}=${await signSession({ name: 'Mallory', sid: newSessionId() }, env.SESSION_SECRET)}`

describe('Access required', () => {
  it.each([
    ['a valid lobby cookie', async () => ({ cookie: await cookie() })],
    [
      'the email header, even where it is trusted',
      async () => ({ 'cf-access-authenticated-user-email': 'ada@example.com' }),
    ],
    ['nothing', async () => ({})],
    [
      'a forged Access token',
      async () => ({ 'cf-access-jwt-assertion': await accessToken(env.TEST_PRIVATE_JWK, { forge: true }) }),
    ],
  ])('refuses the API and pages with %s: 401 Problem Details', async (_, headers) => {
    for (const path of ['/api/session', '/api/ice-servers', '/']) {
      const answer = await ask(path, { ...(await headers()), 'cf-connecting-ip': '203.0.113.9' })
      expect(answer.status, path).toBe(401)
      expect(ProblemDetails.parse(answer.body)).toMatchObject({ status: 401, title: 'Access required' })
    }
  })

  it('lets a valid Access token in, and the identity is Access’s even beside a lobby cookie', async () => {
    const token = await accessToken(env.TEST_PRIVATE_JWK)
    const answer = await ask('/api/session', { 'cf-access-jwt-assertion': token, cookie: await cookie() })
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ identity: { source: 'access', email: 'ada@example.com' } })
  })
})
