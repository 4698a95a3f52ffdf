import { problem, problemTypes } from '@tangerine/contracts'
import { log } from '@tangerine/contracts/log'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'
import { accessConfig, AccessMisconfigured, type AccessConfig } from '../identity/access-config.ts'
import { verifyAccessJwt } from '../identity/access-jwt.ts'

/** Logged once per env object (an isolate's bindings), not once per refused request. */
const logged = new WeakSet<object>()

/**
 * First, Access's settings: ones that cannot work refuse every request (503; the log names the
 * variable), as weak secrets do. Then, where Access is required, a request without a verified
 * Access token goes no further, whatever else it carries (a lobby cookie, Access's email header):
 * pages and API alike, so the gateway cannot be used around Access from a URL Access does not front.
 */
export const accessGate = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    let access: AccessConfig | undefined
    try {
      access = accessConfig(c.env)
    } catch (err) {
      if (!(err instanceof AccessMisconfigured)) throw err
      if (!logged.has(c.env)) {
        logged.add(c.env)
        log('error', 'refusing requests: Access misconfigured', { detail: err.message })
      }
      return c.json(
        problem(503, 'Not configured', {
          type: problemTypes.unavailable,
          detail: 'The gateway refuses requests until its Cloudflare Access settings are fixed; its log says which.',
        }),
        503,
      )
    }
    if (!access?.required) return next()
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
