import { env, exports } from 'cloudflare:workers'
import { decodeJwt, jwtVerify, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { base, signIn } from './support/session.ts'

const me = async (cookie: string) =>
  (await exports.default.fetch(new Request(`${base}/api/session`, { headers: { cookie } }))).json()

const value = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1)

describe('the session cookie', () => {
  it('is a JWT signed HS256 under SESSION_SECRET, holding only the name, the session id and its date', async () => {
    const { cookie } = await signIn('Ada')
    const { payload, protectedHeader } = await jwtVerify(value(cookie), new TextEncoder().encode(env.SESSION_SECRET))
    expect(protectedHeader).toEqual({ alg: 'HS256' })
    expect(Object.keys(payload).sort()).toEqual(['iat', 'name', 'sid'])
    expect(payload).toMatchObject({ name: 'Ada', sid: expect.stringMatching(/^[0-9a-f]{32}$/) })
  })

  it('is refused when its claims are changed under the same signature', async () => {
    const { cookie } = await signIn('Ada')
    const [header, , signature] = value(cookie).split('.')
    const claims = { ...decodeJwt(value(cookie)), name: 'Grace' }
    const payload = btoa(JSON.stringify(claims)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
    expect(await me(`tangerine_session=${header}.${payload}.${signature}`)).toEqual({ identity: null })
  })

  it('is refused when signed with another key, or with no signature at all', async () => {
    const claims = { name: 'Mallory', sid: '0123456789abcdef0123456789abcdef' }
    const otherKey = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .sign(new TextEncoder().encode('not-the-session-secret-not-the-session-secret'))
    expect(await me(`tangerine_session=${otherKey}`)).toEqual({ identity: null })
    const unsigned = `${btoa('{"alg":"none"}')}.${btoa(JSON.stringify({ ...claims, iat: Math.floor(Date.now() / 1000) }))}.`
    expect(await me(`tangerine_session=${unsigned.replaceAll('=', '')}`)).toEqual({ identity: null })
  })

  it('is refused when dated in the future', async () => {
    const future = await new SignJWT({ name: 'Ada', sid: '0123456789abcdef0123456789abcdef' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(Math.floor(Date.now() / 1000) + 3600)
      .sign(new TextEncoder().encode(env.SESSION_SECRET))
    expect(await me(`tangerine_session=${future}`)).toEqual({ identity: null })
  })
})
