import { problem, problemTypes } from '@tangerine/contracts'
import { log } from '@tangerine/contracts/log'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'
import { BadCredential, resolveIdentity } from '../identity/resolve.ts'

/**
 * Establishes who is calling and puts it in `c.var.identity` (undefined when nobody).
 * A credential that is present but invalid gets a 401 here. Services learn the identity only
 * through `forwardRequest`, never from what the client sent.
 */
export const identity = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    try {
      c.set('identity', await resolveIdentity(c))
    } catch (err) {
      if (!(err instanceof BadCredential)) throw err
      log('warn', 'credential refused', { path: c.req.path, reason: err.message })
      return c.json(problem(401, 'Not signed in', { type: problemTypes.unauthorized, detail: err.message }), 401)
    }
    await next()
  })

/**
 * The lobby rule: rooms and media need an identity. With DISABLE_LOBBY_ENFORCEMENT, people
 * without one come in as an anonymous guest instead.
 */
export const requireIdentity = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!c.get('identity')) {
      if (c.env.DISABLE_LOBBY_ENFORCEMENT !== 'true') {
        return c.json(
          problem(401, 'No identity', { type: problemTypes.unauthorized, detail: 'Choose a name in the lobby first' }),
          401,
        )
      }
      c.set('identity', { name: 'Guest', source: 'anonymous' })
    }
    await next()
  })
