/*
 * TURN key secrets at rest: AES-GCM under a key derived from the `TURN_KEY_ENCRYPTION_KEY`
 * Worker secret, with the key id as additional data so a sealed secret cannot be moved to
 * another key's row. Stored as base64(iv ‖ ciphertext).
 */

async function aesKey(env: MediaEnv): Promise<CryptoKey> {
  if (!env.TURN_KEY_ENCRYPTION_KEY) throw new Error('TURN_KEY_ENCRYPTION_KEY is not set')
  const material = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(env.TURN_KEY_ENCRYPTION_KEY))
  return crypto.subtle.importKey('raw', material, 'AES-GCM', false, ['encrypt', 'decrypt'])
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0))

export async function seal(env: MediaEnv, keyId: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const additionalData = new TextEncoder().encode(keyId)
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData },
    await aesKey(env),
    new TextEncoder().encode(secret),
  )
  const out = new Uint8Array(iv.length + sealed.byteLength)
  out.set(iv)
  out.set(new Uint8Array(sealed), iv.length)
  return toBase64(out)
}

export async function open(env: MediaEnv, keyId: string, sealed: string): Promise<string> {
  const bytes = fromBase64(sealed)
  const additionalData = new TextEncoder().encode(keyId)
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: bytes.slice(0, 12), additionalData },
    await aesKey(env),
    bytes.slice(12),
  )
  return new TextDecoder().decode(plain)
}
