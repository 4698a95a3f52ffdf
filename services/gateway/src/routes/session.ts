import { SESSION_COOKIE, SessionRequest } from '@tangerine/contracts'
import { validate } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from '../app-env.ts'
import { signSession } from '../identity/session-cookie.ts'

const THIRTY_DAYS = 60 * 60 * 24 * 30

/** The lobby's name form: who you are in meetings, kept in a signed, HttpOnly cookie. */
export const session = new Hono<AppEnv>()
  .get('/', (c) => c.json({ identity: c.get('identity') ?? null }, 200))
  .post('/', validate('json', SessionRequest), async (c) => {
    const { name } = c.req.valid('json')
    setCookie(c, SESSION_COOKIE, await signSession(name, c.env.SESSION_SECRET), {
      httpOnly: true,
      sameSite: 'Lax',
      secure: new URL(c.req.url).protocol === 'https:',
      path: '/',
      maxAge: THIRTY_DAYS,
    })
    return c.json({ identity: { name, source: 'session' as const } }, 200)
  })
  .delete('/', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.json({ identity: null }, 200)
  })
