import type { Identity } from '@tangerine/contracts'
import { createExecutionContext } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { afterEach, describe, expect, inject, it, vi } from 'vitest'
import worker from '../src/index.ts'
import { accessToken } from './support/access.ts'

const base = 'http://localhost'
const whoAmI = async (headers: Record<string, string>) => {
  const res = await exports.default.fetch(new Request(`${base}/api/session`, { headers }))
  return { status: res.status, body: (await res.json()) as { identity: Identity | null; status?: number } }
}
const token = (options: Parameters<typeof accessToken>[1] = {}) => accessToken(env.TEST_PRIVATE_JWK, options)

afterEach(() => vi.restoreAllMocks())

describe('Cloudflare Access', () => {
  it('turns a valid token into an identity with the directory’s name', async () => {
    const { status, body } = await whoAmI({ 'cf-access-jwt-assertion': await token() })
    expect(status).toBe(200)
    expect(body.identity).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      avatarUrl: 'https://example.com/ada.png',
      profileUrl: 'https://example.com/ada',
      source: 'access',
      key: expect.stringMatching(/^[0-9a-f]{16}$/),
    })
  })

  it('gives the same person the same user key on every request, and another person another', async () => {
    const ada1 = (await whoAmI({ 'cf-access-jwt-assertion': await token() })).body.identity?.key
    const ada2 = (await whoAmI({ 'cf-access-jwt-assertion': await token() })).body.identity?.key
    const grace = (await whoAmI({ 'cf-access-jwt-assertion': await token({ email: 'grace@example.com' }) })).body
      .identity?.key
    expect(ada1).toBeDefined()
    expect(ada2).toBe(ada1)
    expect(grace).not.toBe(ada1)
  })

  it.each([
    ['an expired token', { expiresIn: Math.floor(Date.now() / 1000) - 60 }],
    ['another application’s token', { audience: 'someone-else' }],
    ['another team’s token', { issuer: 'https://evil.cloudflareaccess.com' }],
    ['a forged signature', { forge: true }],
  ])('refuses %s', async (_label, options) => {
    const { status, body } = await whoAmI({ 'cf-access-jwt-assertion': await token(options) })
    expect(status).toBe(401)
    expect(body.status).toBe(401)
  })

  it('refuses garbage in the token header', async () => {
    expect((await whoAmI({ 'cf-access-jwt-assertion': 'not.a.jwt' })).status).toBe(401)
  })

  it('does not trust the email header alone unless configured', async () => {
    const { status, body } = await whoAmI({ 'cf-access-authenticated-user-email': 'ada@example.com' })
    expect(status).toBe(200)
    expect(body.identity).toBeNull()
  })

  it('trusts the email header where TRUST_ACCESS_EMAIL_HEADER=true, with the directory’s name', async () => {
    const trusting = { ...env, TRUST_ACCESS_EMAIL_HEADER: 'true' } as GatewayEnv
    const ask = async (headers: Record<string, string>) => {
      const req = new Request(`${base}/api/session`, { headers })
      const res = await worker.fetch(req, trusting, createExecutionContext())
      return (await res.json()) as { identity: Identity | null }
    }
    const { identity } = await ask({ 'cf-access-authenticated-user-email': 'grace@example.com' })
    expect(identity).toEqual({
      name: 'Grace Hopper',
      email: 'grace@example.com',
      source: 'access',
      key: (await whoAmI({ 'cf-access-jwt-assertion': await token({ email: 'grace@example.com' }) })).body.identity
        ?.key,
    })
    // A token, where one is sent, still decides: the header does not override it.
    const both = await ask({
      'cf-access-jwt-assertion': await token(),
      'cf-access-authenticated-user-email': 'grace@example.com',
    })
    expect(both.identity).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' })
  })
})

describe('user directory', () => {
  it('lets people in with their email’s name when the directory fails, and logs it', async () => {
    // Access tokens carry no name: without the directory's, the email's local part.
    const warn = vi.spyOn(console, 'warn')
    const { body } = await whoAmI({ 'cf-access-jwt-assertion': await token({ email: 'broken@example.com' }) })
    expect(body.identity).toMatchObject({ name: 'broken', email: 'broken@example.com', source: 'access' })
    expect(warn.mock.calls.flat().join(' ')).toContain('user directory lookup failed')
  })

  it('does not wait long for a slow directory', async () => {
    // The directory answers this person after 5 s with another name: the email's name and the
    // timeout's warning prove the gateway gave up at USER_DIRECTORY_TIMEOUT_MS, whatever the load.
    const warn = vi.spyOn(console, 'warn')
    const { body } = await whoAmI({ 'cf-access-jwt-assertion': await token({ email: 'slow@example.com' }) })
    expect(body.identity).toMatchObject({ name: 'slow', email: 'slow@example.com' })
    expect(warn.mock.calls.flat().join(' ')).toContain('no answer within 500 ms')
  })

  it('caches a person for a while', async () => {
    // Katherine is looked up by this test only, so the count is this test's, in any order.
    const jwt = await token({ email: 'katherine@example.com' })
    for (let i = 0; i < 3; i++)
      expect((await whoAmI({ 'cf-access-jwt-assertion': jwt })).body.identity?.name).toBe('Katherine Johnson')
    const { directoryUrl, directoryToken } = inject('identityServers')
    const answer = await fetch(`${directoryUrl}/users/lookups`, {
      headers: { authorization: `Bearer ${directoryToken}` },
    })
    const counts = (await answer.json()) as Record<string, number>
    expect(counts['katherine@example.com']).toBe(1)
  })

  it('sends its token to the directory; a directory refusing the token (401) is a failed lookup, logged', async () => {
    // The same gateway with another directory token (or none): the directory refuses it, and the
    // person still gets in, with their email's name. A 401 is not cached, so the configured token
    // then gets the directory's name for the same person.
    const withToken = async (token: string) => {
      const warn = vi.spyOn(console, 'warn')
      const jwt = await accessToken(env.TEST_PRIVATE_JWK, { email: 'alan@example.com' })
      const res = await worker.fetch(
        new Request(`${base}/api/session`, { headers: { 'cf-access-jwt-assertion': jwt } }),
        { ...env, USER_DIRECTORY_TOKEN: token },
        createExecutionContext(),
      )
      const { identity } = (await res.json()) as { identity: Identity | null }
      const logged = warn.mock.calls.flat().join(' ')
      warn.mockRestore()
      return { name: identity?.name, logged }
    }
    for (const wrong of ['', `${inject('identityServers').directoryToken}x`]) {
      const refused = await withToken(wrong)
      expect(refused.name, `token ${JSON.stringify(wrong)}`).toBe('alan')
      expect(refused.logged).toContain('answered 401')
    }
    const accepted = await withToken(env.USER_DIRECTORY_TOKEN)
    expect(accepted).toEqual({ name: 'Alan Turing', logged: '' })
  })
})

describe('the directory cache', () => {
  it('lets a person in past a bad cached entry, and asks the directory again', async () => {
    // An entry that is not the directory's answer (a cache written by an older version, or
    // damaged): it gave a 500 before the look-up was inside the error handling.
    const email = 'hedy@example.com'
    const { directoryUrl } = inject('identityServers')
    const cache = await caches.open('user-directory')
    await cache.put(
      new Request(`${directoryUrl}/users/${encodeURIComponent(email)}`),
      new Response('{"name": 42', { headers: { 'cache-control': 'max-age=60' } }),
    )
    const { status, body } = await whoAmI({ 'cf-access-jwt-assertion': await token({ email }) })
    expect(status).toBe(200)
    expect(body.identity).toMatchObject({ name: 'Hedy Lamarr', email, source: 'access' })
  })
})

describe('lobby enforcement', () => {
  it('lets an Access user open a room socket with their directory name', async () => {
    const jwt = await token()
    const key = (await whoAmI({ 'cf-access-jwt-assertion': jwt })).body.identity!.key!
    const res = await exports.default.fetch(
      new Request(`${base}/api/rooms/access-room/ws?_pk=${key}tab1`, {
        headers: { Upgrade: 'websocket', 'cf-access-jwt-assertion': jwt },
      }),
    )
    expect(res.status).toBe(101)
    const ws = res.webSocket!
    ws.accept()
    const first = await new Promise<string>((resolve) =>
      ws.addEventListener('message', (e) => resolve(e.data as string), { once: true }),
    )
    expect(first).toContain('Ada Lovelace')
    ws.close()
  })
})
