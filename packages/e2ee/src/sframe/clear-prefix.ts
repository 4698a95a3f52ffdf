// Bytes left in the clear at the front of an encoded frame, so the SFU and the receiving
// depacketizer still understand it; they are authenticated as AAD, never altered.
//
// VP8 (RFC 6386 §9.1): the 3-byte frame tag says key frame or not (bit 0 of the first byte is 0 on
// key frames); a key frame adds a start code and its size, 10 bytes in all. Orange Meets and
// Discord's DAVE keep the same 10 / 1 bytes. (Orange tests bit 7 of byte 0 for "key frame", which
// is a size bit; RFC 6386 puts the frame type in bit 0, as here.)
// Opus (RFC 6716 §3.1): the TOC byte, so a receiver can tell the frame's mode and duration.
export type Codec = 'vp8' | 'opus'

export const VP8_KEY_FRAME_CLEAR_BYTES = 10
export const VP8_DELTA_FRAME_CLEAR_BYTES = 1
export const OPUS_CLEAR_BYTES = 1

export function isVp8KeyFrame(frame: Uint8Array): boolean {
  return frame.length > 0 && (frame[0]! & 0x01) === 0
}

export function clearPrefixLength(codec: Codec, frame: Uint8Array): number {
  const wanted =
    codec === 'opus' ? OPUS_CLEAR_BYTES : isVp8KeyFrame(frame) ? VP8_KEY_FRAME_CLEAR_BYTES : VP8_DELTA_FRAME_CLEAR_BYTES
  return Math.min(wanted, frame.length)
}
