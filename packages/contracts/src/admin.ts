import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { timingSafeEqual } from 'hono/utils/buffer'
import { problem, problemTypes } from './errors.ts'

/** Any service with an `ADMIN_TOKEN` secret; an empty one closes its admin routes to everyone. */
type AdminEnv = { Bindings: { ADMIN_TOKEN?: string } }

/**
 * Whether the request carries `Authorization: Bearer <ADMIN_TOKEN>`; never, with no ADMIN_TOKEN
 * set. hono's `timingSafeEqual` compares digests, so the time taken says nothing about how much
 * of the token (or its length) was right.
 */
export async function isAdmin<E extends AdminEnv>(c: Context<E>): Promise<boolean> {
  const expected = c.env.ADMIN_TOKEN
  const given = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
  return !!expected && !!given && (await timingSafeEqual(given, expected))
}

/**
 * Ops routes: `Authorization: Bearer <ADMIN_TOKEN>`, else 401 Problem Details with a
 * `WWW-Authenticate` challenge for `realm`. Not hono's `bearerAuth`: it answers a malformed header
 * with 400 and plain text, where every refusal here is one 401 Problem Details.
 */
export const requireAdmin = <E extends AdminEnv>(realm: string) =>
  createMiddleware<E>(async (c, next) => {
    if (!(await isAdmin(c))) {
      c.header('www-authenticate', `Bearer realm="${realm}"`)
      const detail = c.env.ADMIN_TOKEN ? 'Send Authorization: Bearer <ADMIN_TOKEN>' : 'ADMIN_TOKEN is not configured'
      return c.json(problem(401, 'Admin token required', { type: problemTypes.unauthorized, detail }), 401)
    }
    await next()
  })
