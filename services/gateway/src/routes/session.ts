import { SESSION_COOKIE, SessionRequest, type SessionResponse } from '@tangerine/contracts'
import { validate } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from '../app-env.ts'
import { newSessionId, SESSION_MAX_AGE_SECONDS, signSession, verifySession } from '../identity/session-cookie.ts'
import { userKey } from '../identity/user-key.ts'

/** The lobby's name form: who you are in meetings, kept in a signed, HttpOnly cookie. */
export const session = new Hono<AppEnv>()
  .get('/', (c) => c.json({ identity: c.get('identity') ?? null } satisfies SessionResponse, 200))
  .post('/', validate('json', SessionRequest), async (c) => {
    const { name } = c.req.valid('json')
    // A new name keeps the session's id, and so its user key: the same person, renamed.
    const sid = (await verifySession(getCookie(c, SESSION_COOKIE), c.env.SESSION_SECRET))?.sid ?? newSessionId()
    setCookie(c, SESSION_COOKIE, await signSession({ name, sid }, c.env.SESSION_SECRET), {
      httpOnly: true,
      sameSite: 'Lax',
      secure: new URL(c.req.url).protocol === 'https:',
      path: '/',
      maxAge: SESSION_MAX_AGE_SECONDS,
    })
    const key = await userKey(`session:${sid}`, c.env.SESSION_SECRET)
    return c.json({ identity: { name, source: 'session', key } } satisfies SessionResponse, 200)
  })
  .delete('/', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.json({ identity: null } satisfies SessionResponse, 200)
  })
