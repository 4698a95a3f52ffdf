import { sanitizeDisplayName, SESSION_COOKIE, type Identity } from '@tangerine/contracts'
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import type { AppEnv } from '../app-env.ts'
import { accessConfig } from './access-config.ts'
import { verifyAccessJwt } from './access-jwt.ts'
import { lookUpUser, type AccessCredential } from './directory.ts'
import { verifySession } from './session-cookie.ts'
import { userKey } from './user-key.ts'

/** Thrown for a credential that is present but wrong: such a request is refused, not downgraded. */
export class BadCredential extends Error {}

async function fromEmail(email: string, env: GatewayEnv, access?: AccessCredential): Promise<Identity> {
  const person = await lookUpUser(email, env, access)
  // Access tokens carry no name: without the directory's, the email's local part (at most 64
  // characters, no controls) is always readable.
  const name = person?.name ?? sanitizeDisplayName(email.split('@')[0]!) ?? 'Guest'
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
 * A service token's (no email: a script or a monitor Access let in) is nobody: it reaches what
 * needs no identity, never a meeting.
 */
export async function resolveIdentity(c: Context<AppEnv>): Promise<Identity | undefined> {
  const access = accessConfig(c.env)
  const token = c.req.header('cf-access-jwt-assertion')
  if (access && token) {
    const claims = await verifyAccessJwt(token, access).catch((err: unknown) => {
      throw new BadCredential(`Access token refused: ${err instanceof Error ? err.message : String(err)}`)
    })
    if (!claims.email) return undefined
    return fromEmail(claims.email, c.env, { config: access, token, nonce: claims.identity_nonce })
  }
  if (access?.required) return undefined
  const email = c.req.header('cf-access-authenticated-user-email')
  if (access && email && c.env.TRUST_ACCESS_EMAIL_HEADER === 'true') return fromEmail(email, c.env)
  const session = await verifySession(getCookie(c, SESSION_COOKIE), c.env.SESSION_SECRET)
  if (!session) return undefined
  return { name: session.name, source: 'session', key: await userKey(`session:${session.sid}`, c.env.SESSION_SECRET) }
}
