import { tooManyRequests } from '@tangerine/contracts/http'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'

/**
 * Reports per caller, keyed by what the caller cannot choose, so one person cannot flood the
 * chat space. The caller is the user key the gateway derived (never the display name, which is
 * free to change), or the address for callers without one. A fresh session cookie is free to
 * mint and brings a fresh key, so every report also counts against its address, with a looser
 * limit because people behind one NAT share it. The API-wide limit in the gateway is far looser.
 * Runs behind `forwardedIdentity()`.
 */
export const reportRateLimit = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const who = c.var.identity
    // Cloudflare sets it on every request; only local tools may leave it out.
    const address = c.req.header('cf-connecting-ip') ?? 'local'
    const byAddress = await c.env.FEEDBACK_ADDRESS_RATE_LIMITER.limit({ key: address })
    const byCaller = await c.env.FEEDBACK_RATE_LIMITER.limit({
      key: who?.key ? `key:${who.key}` : `address:${address}`,
    })
    if (!byAddress.success || !byCaller.success)
      return tooManyRequests(c, 'Too many reports', 'Thanks! Please wait a minute before sending another report')
    await next()
  })
