import { problem, problemTypes } from '@tangerine/contracts'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'

const encoder = new TextEncoder()

/**
 * Compares SHA-256 digests byte by byte without stopping early, so the time taken says nothing
 * about how much of the token was right (and the lengths of the tokens do not matter).
 */
async function sameToken(given: string, expected: string) {
  const [a, b] = await Promise.all(
    [given, expected].map(async (s) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(s)))),
  )
  let diff = 0
  for (let i = 0; i < a!.length; i++) diff |= a![i]! ^ b![i]!
  return diff === 0
}

/** Ops endpoints: `Authorization: Bearer <ADMIN_TOKEN>`. With no ADMIN_TOKEN set they are closed to everyone. */
export const requireAdmin = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const expected = c.env.ADMIN_TOKEN
    const given = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
    if (!expected || !given || !(await sameToken(given, expected))) {
      c.header('www-authenticate', 'Bearer realm="tangerine-feedback-admin"')
      return c.json(
        problem(401, 'Admin token required', {
          type: problemTypes.unauthorized,
          detail: expected ? 'Send Authorization: Bearer <ADMIN_TOKEN>' : 'ADMIN_TOKEN is not configured',
        }),
        401,
      )
    }
    await next()
  })
