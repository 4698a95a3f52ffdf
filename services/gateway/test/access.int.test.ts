import { SESSION_COOKIE, type Identity } from '@tangerine/contracts'
import { createExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { newSessionId, signSession } from '../src/identity/session-cookie.ts'
import worker from '../src/index.ts'
import { accessToken } from './support/access.ts'

/*
 * Cloudflare Access as Cloudflare documents it: its settings checked before any request is
 * served, its tokens verified as "Validate JWTs" says
 * (https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/validating-json/),
 * and service tokens, whose application token has no email
 * (https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/application-token/).
 * The gateway's own handler with its real bindings, some settings changed per test.
 */

type Answer = { status: number; body: { identity?: Identity | null; title?: string; detail?: string } }
async function ask(vars: Partial<GatewayEnv>, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await worker.fetch(
    new Request(`http://localhost${path}`, { headers: { 'cf-connecting-ip': '203.0.113.21', ...headers } }),
    { ...env, ...vars } as GatewayEnv,
    createExecutionContext(),
  )
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Answer['body'] }
}
const token = (options: Parameters<typeof accessToken>[1] = {}) => accessToken(env.TEST_PRIVATE_JWK, options)
const asAccess = async (options: Parameters<typeof accessToken>[1] = {}) => ({
  'cf-access-jwt-assertion': await token(options),
})

afterEach(() => vi.restoreAllMocks())

describe('ACCESS_TEAM_DOMAIN', () => {
  // The token's `iss` is `https://<team>.cloudflareaccess.com`; the setting is often written as the
  // bare host (Zero Trust shows the team domain that way), which before this refused every Access user.
  it.each([
    'tangerine-test.cloudflareaccess.com',
    'https://tangerine-test.cloudflareaccess.com/',
    ' tangerine-test.cloudflareaccess.com ',
  ])('written as %j, still lets Access users in', async (domain) => {
    const answer = await ask({ ACCESS_TEAM_DOMAIN: domain }, '/api/session', await asAccess())
    expect(answer).toMatchObject({ status: 200, body: { identity: { source: 'access', email: 'ada@example.com' } } })
  })

  it.each([
    [
      'a team domain over http',
      { ACCESS_TEAM_DOMAIN: 'http://tangerine-test.cloudflareaccess.com' },
      'ACCESS_TEAM_DOMAIN',
    ],
    [
      'a team domain with a path',
      { ACCESS_TEAM_DOMAIN: 'https://tangerine-test.cloudflareaccess.com/cdn-cgi/access/certs' },
      'ACCESS_TEAM_DOMAIN',
    ],
    ['an audience without a team domain', { ACCESS_TEAM_DOMAIN: '' }, 'ACCESS_TEAM_DOMAIN is empty'],
    ['a team domain without an audience', { ACCESS_AUD: '' }, 'ACCESS_AUD is empty'],
    [
      'TRUST_ACCESS_EMAIL_HEADER without Access',
      { ACCESS_TEAM_DOMAIN: '', ACCESS_AUD: '', TRUST_ACCESS_EMAIL_HEADER: 'true' },
      'TRUST_ACCESS_EMAIL_HEADER',
    ],
  ])('refuses every request with %s (503), and the log names the setting', async (_label, vars, named) => {
    const error = vi.spyOn(console, 'error')
    for (const path of ['/api/session', '/api/health', '/']) {
      const answer = await ask(vars, path, await asAccess())
      expect(answer.status, path).toBe(503)
      expect(answer.body.title).toBe('Not configured')
    }
    expect(error.mock.calls.flat().join(' ')).toContain(named)
  })

  it('with nothing of Access set, Access is off: the email header is not trusted, lobby sessions work', async () => {
    const answer = await ask({ ACCESS_TEAM_DOMAIN: '', ACCESS_AUD: '' }, '/api/session', {
      'cf-access-authenticated-user-email': 'ada@example.com',
    })
    expect(answer).toEqual({ status: 200, body: { identity: null } })
  })
})

describe('Access tokens', () => {
  // "Validate JWTs": every Access token has an expiry; one without is not Access's.
  it('refuses a token without `exp`', async () => {
    const answer = await ask({}, '/api/session', await asAccess({ noExpiry: true }))
    expect(answer.status).toBe(401)
    expect(answer.body.detail).toMatch(/"exp" claim/)
  })

  // A clock a few seconds behind Access's must not refuse a token it just issued; a minute is too much.
  it('allows a little clock skew on the expiry, not more', async () => {
    const now = Math.floor(Date.now() / 1000)
    expect((await ask({}, '/api/session', await asAccess({ expiresIn: now - 10 }))).status).toBe(200)
    expect((await ask({}, '/api/session', await asAccess({ expiresIn: now - 60 }))).status).toBe(401)
  })

  // Access signs RS256 only (its certs list `"alg": "RS256"` keys); another algorithm over the
  // same RSA key is not Access's signature. Refused for its algorithm, before any key is looked
  // for: without the pin it is refused later, by the key set (no key for PS256).
  it('refuses a token signed with another algorithm, for its algorithm', async () => {
    const answer = await ask({}, '/api/session', await asAccess({ algorithm: 'PS256' }))
    expect(answer.status).toBe(401)
    expect(answer.body.detail).toMatch(/"alg" \(Algorithm\) Header Parameter value not allowed/)
  })
})

describe('service tokens', () => {
  // A service token's application token: `common_name` (the Client ID), empty `sub`, no email.
  // Decided: it is nobody. Access let it through, so it reaches what needs no identity (health,
  // pages), and never a meeting, which needs a person. Before, it was a 500.
  it('is let through where Access is required, as nobody', async () => {
    const required = { ACCESS_REQUIRED: '' }
    const service = await asAccess({ service: true })
    expect(await ask(required, '/api/session', service)).toEqual({ status: 200, body: { identity: null } })
    expect((await ask(required, '/api/health', service)).status).toBe(200)
    const room = await ask(required, '/api/rooms/service-room/ws?_pk=x', { ...service, upgrade: 'websocket' })
    expect(room).toMatchObject({ status: 401, body: { title: 'No identity' } })
  })

  it('is nobody beside lobby sessions too, whatever cookie comes with it', async () => {
    const cookie = `${SESSION_COOKIE}=${await signSession({ name: 'Mallory', sid: newSessionId() }, env.SESSION_SECRET)}`
    const answer = await ask({}, '/api/session', { ...(await asAccess({ service: true })), cookie })
    expect(answer).toEqual({ status: 200, body: { identity: null } })
  })
})
