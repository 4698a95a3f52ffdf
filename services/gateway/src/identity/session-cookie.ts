import { DisplayName } from '@tangerine/contracts'
import { jwtVerify, SignJWT } from 'jose'
import * as z from 'zod'
import { hex } from './user-key.ts'

/** How long a session cookie lasts, in the browser and here: a copied cookie stops working too. */
export const SESSION_MAX_AGE_SECONDS = 60 * 60 * 24 * 30

/**
 * What the signed session cookie holds: the display name chosen in the lobby, and the session's
 * own id (`sid`), which the user key is derived from and which a change of name keeps.
 */
const SessionClaims = z.object({ name: DisplayName, sid: z.string().regex(/^[0-9a-f]{32}$/), iat: z.number().int() })
export type SessionClaims = z.infer<typeof SessionClaims>

/** HS256 under SESSION_SECRET, the same key user keys come from; nothing else may verify. */
const key = (secret: string) => new TextEncoder().encode(secret)
const ALGORITHMS = ['HS256']

/** A new session id: 128 random bits. */
export const newSessionId = () => hex(crypto.getRandomValues(new Uint8Array(16)))

/** A JWT (HS256) the gateway alone can sign; its `iat` dates it for `verifySession`. */
export async function signSession(
  claims: { name: string; sid: string },
  secret: string,
  now = Date.now(),
): Promise<string> {
  const iat = Math.floor(now / 1000)
  return new SignJWT({ name: claims.name, sid: claims.sid })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(iat)
    .sign(key(secret))
}

/** The claims of a cookie this gateway signed within SESSION_MAX_AGE_SECONDS; else undefined. */
export async function verifySession(
  cookie: string | undefined,
  secret: string,
  now = Date.now(),
): Promise<SessionClaims | undefined> {
  if (!cookie) return undefined
  try {
    // maxTokenAge also refuses an `iat` in the future: only a cookie dated by us, within its age, counts.
    const { payload } = await jwtVerify(cookie, key(secret), {
      algorithms: ALGORITHMS,
      currentDate: new Date(now),
      maxTokenAge: SESSION_MAX_AGE_SECONDS,
    })
    const claims = SessionClaims.safeParse(payload)
    return claims.success ? claims.data : undefined
  } catch {
    return undefined
  }
}
