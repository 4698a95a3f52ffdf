// Per-sender frame keys, after RFC 9605 §5.2 (SFrame with MLS): the key id carries the sender's
// leaf index and the low bits of the epoch, so each sender has its own key and nonce space
// without coordination, and a receiver finds the key from the header alone.
//
// HKDF-SHA-256 from the epoch's exported media secret, with the key id (8 bytes) and the
// cipher suite in the info, gives that sender's AES-128-GCM key and 12-byte salt. WebCrypto has no
// bare HKDF-Expand, so this is one HKDF call rather than RFC 9605's Extract then two Expands.

export const EPOCH_BITS = 8
const EPOCHS = 2 ** EPOCH_BITS
const KEY_BYTES = 16
const SALT_BYTES = 12
// RFC 9605 §8.1: AES_128_GCM_SHA256_128 is cipher suite 0x0004.
const CIPHER_SUITE = [0x00, 0x04]
const LABEL = new TextEncoder().encode('tangerine sframe 1.0 key and salt ')

export interface SenderKey {
  key: CryptoKey
  salt: Uint8Array<ArrayBuffer>
}

export function keyId(epoch: bigint, senderIndex: number): number {
  return senderIndex * EPOCHS + Number(epoch % BigInt(EPOCHS))
}

export function epochBitsOf(kid: number): number {
  return kid % EPOCHS
}

function uint64(value: number): Uint8Array {
  const bytes = new Uint8Array(8)
  new DataView(bytes.buffer).setBigUint64(0, BigInt(value))
  return bytes
}

export async function deriveSenderKey(epochSecret: Uint8Array, kid: number): Promise<SenderKey> {
  const subtle = crypto.subtle
  const base = await subtle.importKey('raw', epochSecret as BufferSource, 'HKDF', false, ['deriveBits'])
  const info = Uint8Array.from([...LABEL, ...uint64(kid), ...CIPHER_SUITE])
  const bits = new Uint8Array(
    await subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(), info },
      base,
      (KEY_BYTES + SALT_BYTES) * 8,
    ),
  )
  const key = await subtle.importKey('raw', bits.subarray(0, KEY_BYTES), 'AES-GCM', false, ['encrypt', 'decrypt'])
  return { key, salt: bits.slice(KEY_BYTES) }
}

/** RFC 9605 §4.4.3: the nonce is the salt XOR the counter, right-aligned. */
export function nonce(salt: Uint8Array<ArrayBuffer>, ctr: number): Uint8Array<ArrayBuffer> {
  const out = salt.slice()
  const counter = new Uint8Array(8)
  new DataView(counter.buffer).setBigUint64(0, BigInt(ctr))
  for (let i = 0; i < 8; i++) out[SALT_BYTES - 8 + i]! ^= counter[i]!
  return out
}
