import {
  bytesToBase64,
  decodeMlsMessage,
  encodeMlsMessage,
  type KeyPackage,
  type MLSMessage,
  type MlsPrivateMessage,
  type Welcome,
} from 'ts-mls'

// MLS messages travel over the room socket (JSON) as base64 of their RFC 9420 TLS encoding; the
// room stores and relays these strings without being able to read them.

export function toBase64(bytes: Uint8Array): string {
  return bytesToBase64(bytes)
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text)
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

export function encodeKeyPackage(keyPackage: KeyPackage): Uint8Array {
  return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage })
}

export function encodeWelcome(welcome: Welcome): Uint8Array {
  return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome })
}

export function encodeMessage(message: MLSMessage): Uint8Array {
  return encodeMlsMessage(message)
}

function decode(bytes: Uint8Array): MLSMessage {
  const decoded = decodeMlsMessage(bytes, 0)
  // Trailing bytes mean the sender's framing and ours disagree: refuse rather than guess.
  if (!decoded || decoded[1] !== bytes.length) throw new Error('not one MLS message')
  return decoded[0]
}

export function decodeKeyPackage(bytes: Uint8Array): KeyPackage {
  const message = decode(bytes)
  if (message.wireformat !== 'mls_key_package') throw new Error(`expected a KeyPackage, got ${message.wireformat}`)
  return message.keyPackage
}

export function decodeWelcome(bytes: Uint8Array): Welcome {
  const message = decode(bytes)
  if (message.wireformat !== 'mls_welcome') throw new Error(`expected a Welcome, got ${message.wireformat}`)
  return message.welcome
}

// Our commits are always private messages: a public one (readable by the room) is refused.
export function decodeHandshake(bytes: Uint8Array): MlsPrivateMessage {
  const message = decode(bytes)
  if (message.wireformat !== 'mls_private_message')
    throw new Error(`expected a private message, got ${message.wireformat}`)
  return message
}
