// The SFrame header (RFC 9605 §4.3): one config byte |X|K K K|Y|C C C|, then the key id and the
// counter as big-endian integers of the lengths it announces. Values under 8 fit in the config
// byte itself, so most audio frames of a small meeting pay 2–3 bytes.

export interface SFrameHeader {
  kid: number
  ctr: number
}

function byteLength(value: number): number {
  let length = 1
  while (value >= 2 ** (8 * length)) length++
  return length
}

function writeField(out: number[], value: number): number {
  if (value < 8) return value
  const length = byteLength(value)
  for (let i = length - 1; i >= 0; i--) out.push(Math.floor(value / 2 ** (8 * i)) % 256)
  return 0x8 | (length - 1)
}

export function encodeHeader({ kid, ctr }: SFrameHeader): Uint8Array {
  if (!Number.isSafeInteger(kid) || kid < 0 || !Number.isSafeInteger(ctr) || ctr < 0) {
    throw new Error('key id and counter must be non-negative safe integers')
  }
  const kidBytes: number[] = []
  const ctrBytes: number[] = []
  const config = (writeField(kidBytes, kid) << 4) | writeField(ctrBytes, ctr)
  return Uint8Array.from([config, ...kidBytes, ...ctrBytes])
}

function readField(bits: number, bytes: Uint8Array, offset: number): { value: number; end: number } {
  if ((bits & 0x8) === 0) return { value: bits, end: offset }
  const length = (bits & 0x7) + 1
  // Above 6 bytes a value could pass 2^53; no key id or counter of ours gets there.
  if (length > 6 || offset + length > bytes.length) throw new Error('bad SFrame header')
  let value = 0
  for (let i = 0; i < length; i++) value = value * 256 + bytes[offset + i]!
  return { value, end: offset + length }
}

/** Reads the header at `offset`; `end` is where the ciphertext starts. */
export function decodeHeader(bytes: Uint8Array, offset: number): SFrameHeader & { end: number } {
  const config = bytes[offset]
  if (config === undefined) throw new Error('bad SFrame header')
  const kid = readField(config >> 4, bytes, offset + 1)
  const ctr = readField(config & 0xf, bytes, kid.end)
  return { kid: kid.value, ctr: ctr.value, end: ctr.end }
}
