import { problem, problemTypes } from '@tangerine/contracts'
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'

const encoder = new TextEncoder()

/**
 * Compares digests byte by byte without stopping early, so the time taken says nothing about how
 * much of the token was right. (Not `crypto.subtle.timingSafeEqual`: this module is also
 * type-checked with the DOM's SubtleCrypto, through the web app's import of the gateway's types.)
 */
async function sameToken(given: string, expected: string) {
  const [a, b] = await Promise.all([given, expected].map((s) => crypto.subtle.digest('SHA-256', encoder.encode(s))))
  const x = new Uint8Array(a!)
  const y = new Uint8Array(b!)
  let diff = 0
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!
  return diff === 0
}

/** Whether the request carries `Authorization: Bearer <ADMIN_TOKEN>`; never, with no ADMIN_TOKEN set. */
export async function isAdmin(c: Context<AppEnv>): Promise<boolean> {
  const expected = c.env.ADMIN_TOKEN
  const given = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
  return !!expected && !!given && (await sameToken(given, expected))
}

/** TURN administration: `Authorization: Bearer <ADMIN_TOKEN>`. With no ADMIN_TOKEN set it is closed to everyone. */
export const requireAdmin = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!(await isAdmin(c))) {
      c.header('www-authenticate', 'Bearer realm="tangerine-media-admin"')
      const detail = c.env.ADMIN_TOKEN ? 'Send Authorization: Bearer <ADMIN_TOKEN>' : 'ADMIN_TOKEN is not configured'
      return c.json(problem(401, 'Admin token required', { type: problemTypes.unauthorized, detail }), 401)
    }
    await next()
  })
