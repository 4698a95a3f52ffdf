/**
 * The clear outer framing of an MLS message (RFC 9420 §6): what it is and, for a handshake
 * message, the group and epoch it belongs to. The delivery service reads this much to refuse a
 * message that is not what its sender claims (another group, a replayed epoch, a KeyPackage posing
 * as a Commit); the content stays sealed from it.
 */
export type MlsFraming =
  | { wireFormat: 'public_message' | 'private_message'; groupId: string; epoch: number; contentType: MlsContentType }
  | { wireFormat: 'welcome' | 'group_info' | 'key_package' }

export type MlsContentType = 'application' | 'proposal' | 'commit'

const WIRE_FORMATS = ['public_message', 'private_message', 'welcome', 'group_info', 'key_package'] as const
const CONTENT_TYPES = ['application', 'proposal', 'commit'] as const
const MLS10 = 1

class Reader {
  offset = 0
  readonly bytes: Uint8Array
  constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }

  uint(size: 1 | 2 | 4 | 8): number {
    if (this.offset + size > this.bytes.length) throw new RangeError('truncated')
    let value = 0
    for (let i = 0; i < size; i++) value = value * 256 + this.bytes[this.offset + i]!
    this.offset += size
    return value
  }

  /** `opaque<V>`: a QUIC-style variable-length size (RFC 9000 §16, as RFC 9420 §2.1.2), then the bytes. */
  opaque(): Uint8Array {
    const first = this.uint(1)
    const prefix = first >> 6
    if (prefix === 3) throw new RangeError('invalid length prefix')
    let length = first & 0x3f
    for (let i = 1; i < 1 << prefix; i++) length = length * 256 + this.uint(1)
    if (this.offset + length > this.bytes.length) throw new RangeError('truncated')
    const out = this.bytes.subarray(this.offset, this.offset + length)
    this.offset += length
    return out
  }
}

function base64Bytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
}

/** The framing of a base64 MLS message, or undefined when it is not one. */
export function readMlsFraming(base64: string): MlsFraming | undefined {
  try {
    const reader = new Reader(base64Bytes(base64))
    if (reader.uint(2) !== MLS10) return undefined
    const wireFormat = WIRE_FORMATS[reader.uint(2) - 1]
    if (!wireFormat) return undefined
    if (wireFormat !== 'public_message' && wireFormat !== 'private_message') return { wireFormat }
    const groupId = new TextDecoder().decode(reader.opaque())
    // u64; an epoch past 2^53 is no meeting's, and reads as not an MLS message.
    const epoch = reader.uint(8)
    if (!Number.isSafeInteger(epoch)) return undefined
    let contentType: MlsContentType | undefined
    if (wireFormat === 'private_message') {
      contentType = CONTENT_TYPES[reader.uint(1) - 1]
    } else {
      // PublicMessage: the sender (§6: member or external → a 4-byte index; new member → nothing) and
      // the authenticated data come before the content type.
      const senderType = reader.uint(1)
      if (senderType === 1 || senderType === 2) reader.uint(4)
      else if (senderType !== 3 && senderType !== 4) return undefined
      reader.opaque()
      contentType = CONTENT_TYPES[reader.uint(1) - 1]
    }
    if (!contentType) return undefined
    return { wireFormat, groupId, epoch, contentType }
  } catch {
    return undefined
  }
}
