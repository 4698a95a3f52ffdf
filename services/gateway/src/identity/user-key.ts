import { hex, hmacKey } from './session-cookie.ts'

/**
 * The caller's user key (see `Identity.key`): the first 64 bits of HMAC(SESSION_SECRET, subject),
 * as hex. The same person gets the same key on every request; nobody can pick someone else's.
 */
export async function userKey(subject: string, secret: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), new TextEncoder().encode(subject))
  return hex(new Uint8Array(mac, 0, 8))
}
