import { problem, problemTypes } from '@tangerine/contracts'
import { log } from '@tangerine/contracts/log'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'
import { accessRequired, verifyAccessJwt } from '../identity/access-jwt.ts'

/**
 * Where Access is required, a request without a verified Access token goes no further, whatever
 * else it carries (a lobby cookie, Access's email header): pages and API alike, so the gateway
 * cannot be used around Access from a URL Access does not front.
 */
export const accessGate = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const access = accessRequired(c.env)
    if (!access) return next()
    const token = c.req.header('cf-access-jwt-assertion')
    const refused = token
      ? await verifyAccessJwt(token, access).then(
          () => undefined,
          (err: unknown) => `Access token refused: ${err instanceof Error ? err.message : String(err)}`,
        )
      : 'Sign in through Cloudflare Access: this request has no Access token'
    if (!refused) return next()
    log('warn', 'access required', { path: c.req.path, reason: refused })
    return c.json(problem(401, 'Access required', { type: problemTypes.unauthorized, detail: refused }), 401)
  })
