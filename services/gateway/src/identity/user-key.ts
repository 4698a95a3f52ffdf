/** Bytes as lowercase hex, two digits each. */
export const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')

const hmacKey = (secret: string) =>
  crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])

/**
 * The caller's user key (see `Identity.key`): the first 64 bits of HMAC(SESSION_SECRET, subject),
 * as hex. The same person gets the same key on every request; nobody can pick someone else's.
 */
export async function userKey(subject: string, secret: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), new TextEncoder().encode(subject))
  return hex(new Uint8Array(mac, 0, 8))
}
