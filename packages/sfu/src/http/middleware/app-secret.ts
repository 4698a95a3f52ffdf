import { timingSafeEqual } from 'node:crypto'
import { createMiddleware } from 'hono/factory'

/** The Bearer token of a request, or '' (a missing or malformed header is a wrong token). */
export const bearer = (header: string | undefined) => /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? ''

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export interface AppSecretOptions {
  /** App id → secret. */
  apps: Map<string, string>
  /** The path parameter naming the app (the Calls API's app, the account API's account). */
  param: string
  unknownApp: () => Error
  wrongSecret: () => Error
}

/**
 * The app's secret as Bearer token, compared in constant time; each API refuses in its own
 * error shape. Not hono's `bearerAuth`: it answers a malformed header 400 and adds
 * `WWW-Authenticate`, which Calls does not.
 */
export const appSecret = ({ apps, param, unknownApp, wrongSecret }: AppSecretOptions) =>
  createMiddleware(async (c, next) => {
    const secret = apps.get(c.req.param(param) ?? '')
    if (secret === undefined) throw unknownApp()
    if (!sameSecret(bearer(c.req.header('authorization')), secret)) throw wrongSecret()
    await next()
  })
