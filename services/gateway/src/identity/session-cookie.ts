import { DisplayName } from '@tangerine/contracts'
import { z } from 'zod'

/** How long a session cookie lasts, in the browser and here: a copied cookie stops working too. */
export const SESSION_MAX_AGE_SECONDS = 60 * 60 * 24 * 30

/**
 * What the signed session cookie holds: the display name chosen in the lobby, and the session's
 * own id (`sid`), which the user key is derived from and which a change of name keeps.
 */
const SessionClaims = z.object({ name: DisplayName, sid: z.string().regex(/^[0-9a-f]{32}$/), iat: z.number().int() })
export type SessionClaims = z.infer<typeof SessionClaims>

const encoder = new TextEncoder()
const b64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')
const fromB64url = (text: string) =>
  Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0))

export function hmacKey(secret: string, usage: 'sign' | 'verify') {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage])
}

/** Bytes as lowercase hex, two digits each. */
export const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')

/** A new session id: 128 random bits. */
export const newSessionId = () => hex(crypto.getRandomValues(new Uint8Array(16)))

/** `<payload>.<hmac>`, both base64url: readable by nobody but the gateway, forgeable by nobody. */
export async function signSession(claims: { name: string; sid: string }, secret: string, now = Date.now()): Promise<string> {
  const payload = b64url(encoder.encode(JSON.stringify({ name: claims.name, sid: claims.sid, iat: Math.floor(now / 1000) })))
  const signature = await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), encoder.encode(payload))
  return `${payload}.${b64url(signature)}`
}

/** The claims of a cookie this gateway signed within SESSION_MAX_AGE_SECONDS; else undefined. */
export async function verifySession(cookie: string | undefined, secret: string, now = Date.now()): Promise<SessionClaims | undefined> {
  const [payload, signature, extra] = cookie?.split('.') ?? []
  if (!payload || !signature || extra !== undefined) return undefined
  try {
    const ok = await crypto.subtle.verify('HMAC', await hmacKey(secret, 'verify'), fromB64url(signature), encoder.encode(payload))
    if (!ok) return undefined
    const claims = SessionClaims.safeParse(JSON.parse(new TextDecoder().decode(fromB64url(payload))))
    if (!claims.success) return undefined
    const age = now / 1000 - claims.data.iat
    return age >= -60 && age <= SESSION_MAX_AGE_SECONDS ? claims.data : undefined
  } catch {
    return undefined
  }
}
