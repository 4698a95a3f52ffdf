import { sanitizeDisplayName, SESSION_COOKIE, type Identity } from '@tangerine/contracts'
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import type { AppEnv } from '../app-env.ts'
import { accessConfig, accessRequired, verifyAccessJwt } from './access-jwt.ts'
import { lookUpUser } from './directory.ts'
import { verifySession } from './session-cookie.ts'
import { userKey } from './user-key.ts'

/** Thrown for a credential that is present but wrong: such a request is refused, not downgraded. */
export class BadCredential extends Error {}

async function fromEmail(email: string, fallbackName: string | undefined, env: GatewayEnv): Promise<Identity> {
  const person = await lookUpUser(email, env)
  // The token's name is the identity provider's and may carry hidden characters; the email's
  // local part (at most 64 characters, no controls) is always readable.
  const name = person?.name ?? sanitizeDisplayName(fallbackName ?? '') ?? email.split('@')[0]!
  return {
    name,
    email,
    avatarUrl: person?.avatarUrl,
    profileUrl: person?.profileUrl,
    source: 'access',
    key: await userKey(`access:${email.toLowerCase()}`, env.SESSION_SECRET),
  }
}

/**
 * Who is calling, in order: a Cloudflare Access token; Access's email header, only where the
 * operator trusts it; the lobby's signed session cookie. Undefined when none of them. Where
 * Access is required only the token counts (the `accessGate` middleware has refused the rest).
 */
export async function resolveIdentity(c: Context<AppEnv>): Promise<Identity | undefined> {
  const access = accessConfig(c.env)
  const token = c.req.header('cf-access-jwt-assertion')
  if (access && token) {
    const claims = await verifyAccessJwt(token, access).catch((err: unknown) => {
      throw new BadCredential(`Access token refused: ${err instanceof Error ? err.message : String(err)}`)
    })
    return fromEmail(claims.email, claims.name, c.env)
  }
  if (accessRequired(c.env)) return undefined
  const email = c.req.header('cf-access-authenticated-user-email')
  if (email && c.env.TRUST_ACCESS_EMAIL_HEADER === 'true') return fromEmail(email, undefined, c.env)
  const session = await verifySession(getCookie(c, SESSION_COOKIE), c.env.SESSION_SECRET)
  if (!session) return undefined
  return { name: session.name, source: 'session', key: await userKey(`session:${session.sid}`, c.env.SESSION_SECRET) }
}
