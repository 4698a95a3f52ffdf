import type { WSMessage } from 'partyserver'

const encoder = new TextEncoder()

/**
 * A frame's size on the wire: UTF-8 bytes for text, not UTF-16 code units ("€" is one unit and
 * three bytes). UTF-8 never takes fewer bytes than a string has units, so a string already longer
 * than any limit is not encoded at all.
 */
export function frameBytes(raw: WSMessage, limit = Number.MAX_SAFE_INTEGER): number {
  if (typeof raw !== 'string') return raw.byteLength
  if (raw.length > limit) return raw.length
  return encoder.encode(raw).byteLength
}
