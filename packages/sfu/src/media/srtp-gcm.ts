import { createCipheriv } from 'node:crypto'

/** werift's SRTP profile number for AEAD_AES_128_GCM (RFC 7714), the one werift and Chromium prefer. */
export const PROFILE_AEAD_AES_128_GCM = 0x0007
/** RFC 7714's AEAD_AES_128_GCM authentication tag, appended to every SRTP packet. */
export const GCM_TAG_BYTES = 16

/**
 * SRTP AEAD_AES_128_GCM protection of one RTP packet in place (RFC 7714 §8): `packet` holds the
 * plaintext header (the AAD) in its first `headerLength` bytes and has room for the ciphertext and
 * the 16-byte tag after it. werift's own encrypt serializes the header again, builds the IV with a
 * generic field writer and concatenates three buffers per packet; here the header is written once
 * by the caller, the IV goes into a scratch buffer and the one output buffer is the packet.
 * Node cannot re-key a GCM cipher with a new IV, so one cipher object per packet stays.
 */
export class SrtpGcmSealer {
  private readonly key: Buffer
  private readonly salt: Buffer
  /** createCipheriv copies the IV, so one scratch buffer serves every packet. */
  private readonly iv = Buffer.alloc(12)

  constructor(sessionKey: Buffer, sessionSalt: Buffer) {
    this.key = sessionKey
    this.salt = sessionSalt
  }

  seal(packet: Buffer, headerLength: number, payload: Uint8Array, ssrc: number, roc: number, seq: number): void {
    // IV = 00 00 || SSRC || ROC || SEQ, XOR the 12-byte session salt.
    const iv = this.iv
    const salt = this.salt
    iv.writeUInt16BE(0, 0)
    iv.writeUInt32BE(ssrc >>> 0, 2)
    iv.writeUInt32BE(roc >>> 0, 6)
    iv.writeUInt16BE(seq, 10)
    for (let i = 0; i < 12; i++) iv[i]! ^= salt[i]!
    const cipher = createCipheriv('aes-128-gcm', this.key, iv)
    cipher.setAAD(packet.subarray(0, headerLength))
    const encrypted = cipher.update(payload)
    encrypted.copy(packet, headerLength)
    cipher.final()
    cipher.getAuthTag().copy(packet, headerLength + encrypted.length)
  }
}
