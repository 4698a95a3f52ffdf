import { exports } from 'cloudflare:workers'
import { expect } from 'vitest'

export const base = 'http://localhost'

/**
 * The lobby's name form through the gateway: the session cookie, the user key the gateway
 * derived for it, and a room user id of that person's (key + a tab part).
 */
export async function signIn(name: string, headers: Record<string, string> = {}) {
  const res = await exports.default.fetch(
    new Request(`${base}/api/session`, {
      method: 'POST',
      body: JSON.stringify({ name }),
      headers: { 'content-type': 'application/json', ...headers },
    }),
  )
  expect(res.status).toBe(200)
  const setCookie = res.headers.get('set-cookie') ?? ''
  expect(setCookie).toContain('HttpOnly')
  const { identity } = (await res.json()) as { identity: { key: string } }
  return { cookie: setCookie.split(';')[0]!, key: identity.key, id: `${identity.key}0123456789abcdef` }
}

export const sessionCookie = async (name: string) => (await signIn(name)).cookie
