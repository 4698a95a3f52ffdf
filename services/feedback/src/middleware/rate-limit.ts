import { decodeIdentity, IDENTITY_HEADER, problem, problemTypes } from '@tangerine/contracts'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'

/**
 * Reports per caller: the gateway's identity (email, else display name) and the caller's address,
 * so one person cannot flood the chat space. The API-wide limit in the gateway is far looser.
 */
export const reportRateLimit = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const who = decodeIdentity(c.req.header(IDENTITY_HEADER))
    const key = `${c.req.header('cf-connecting-ip') ?? 'local'}:${who?.email ?? who?.name ?? '-'}`
    const { success } = await c.env.FEEDBACK_RATE_LIMITER.limit({ key })
    if (!success) {
      c.header('retry-after', '60')
      return c.json(
        problem(429, 'Too many reports', {
          type: problemTypes.rateLimited,
          detail: 'Thanks! Please wait a minute before sending another report',
        }),
        429,
      )
    }
    await next()
  })
