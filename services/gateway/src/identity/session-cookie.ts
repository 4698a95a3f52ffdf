import { DisplayName } from '@tangerine/contracts'
import { z } from 'zod'

/** What the signed session cookie holds: the display name chosen in the lobby. */
const SessionClaims = z.object({ name: DisplayName, iat: z.number().int() })

const encoder = new TextEncoder()
const b64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')
const fromB64url = (text: string) =>
  Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0))

function key(secret: string, usage: 'sign' | 'verify') {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage])
}

/** `<payload>.<hmac>`, both base64url: readable by nobody but the gateway, forgeable by nobody. */
export async function signSession(name: string, secret: string, now = Date.now()): Promise<string> {
  const payload = b64url(encoder.encode(JSON.stringify({ name, iat: Math.floor(now / 1000) })))
  const signature = await crypto.subtle.sign('HMAC', await key(secret, 'sign'), encoder.encode(payload))
  return `${payload}.${b64url(signature)}`
}

export async function verifySession(cookie: string | undefined, secret: string) {
  const [payload, signature, extra] = cookie?.split('.') ?? []
  if (!payload || !signature || extra !== undefined) return undefined
  try {
    const ok = await crypto.subtle.verify('HMAC', await key(secret, 'verify'), fromB64url(signature), encoder.encode(payload))
    if (!ok) return undefined
    const claims = SessionClaims.safeParse(JSON.parse(new TextDecoder().decode(fromB64url(payload))))
    return claims.success ? claims.data : undefined
  } catch {
    return undefined
  }
}
