/**
 * @module
 * How a service behind the gateway learns who is calling: from IDENTITY_HEADER, which only the
 * gateway sets (it overwrites whatever a client sent), put in `c.var.identity`.
 */
import type { MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'
import { problem, problemTypes } from './errors.ts'
import { decodeIdentity, IDENTITY_HEADER, type Identity } from './identity.ts'

export type WithIdentity = { Variables: { identity: Identity } }
export type MaybeIdentity = { Variables: { identity: Identity | undefined } }

export interface IdentityRequired {
  required: true
  /** The refusal's `detail`: what the caller should do to have an identity. */
  detail: string
}

/**
 * Reads the gateway's identity into `c.var.identity`. With `required`, a request without one (or
 * with one that does not parse) gets a 401 Problem Details and goes no further, so handlers behind
 * it always have an identity; without, they get `undefined` and decide for themselves.
 */
export function forwardedIdentity(options: IdentityRequired): MiddlewareHandler<WithIdentity>
export function forwardedIdentity(options?: { required?: false }): MiddlewareHandler<MaybeIdentity>
export function forwardedIdentity(
  options: IdentityRequired | { required?: false } = {},
): MiddlewareHandler<WithIdentity> | MiddlewareHandler<MaybeIdentity> {
  return createMiddleware<MaybeIdentity>(async (c, next) => {
    const identity = decodeIdentity(c.req.header(IDENTITY_HEADER))
    if (!identity && options.required) {
      return c.json(problem(401, 'No identity', { type: problemTypes.unauthorized, detail: options.detail }), 401)
    }
    c.set('identity', identity)
    await next()
  })
}
