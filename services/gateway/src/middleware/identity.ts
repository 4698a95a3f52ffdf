import { SESSION_COOKIE, type Identity } from '@tangerine/contracts'
import { getCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'
import { verifySession } from '../identity/session-cookie.ts'

/**
 * Establishes who is calling and puts it in `c.var.identity` (undefined when nobody).
 * Services learn it only through `forwardRequest`, never from what the client sent.
 */
export const identity = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const session = await verifySession(getCookie(c, SESSION_COOKIE), c.env.SESSION_SECRET)
    const who: Identity | undefined = session ? { name: session.name, source: 'session' } : undefined
    c.set('identity', who)
    await next()
  })
