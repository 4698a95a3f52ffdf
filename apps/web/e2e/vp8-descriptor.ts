/*
 * The VP8 RTP payload descriptor (RFC 7741 §4.2), as far as replaying recorded VP8 needs it:
 * where a key frame starts, and the picture numbers a receiver orders frames by. A loop that
 * jumped back in picture ID would look to Chromium like frames from the past, so a replay
 * numbers them on instead.
 */

export interface Vp8Descriptor {
  /** The packet starts a frame (S=1, partition 0). */
  frameStart: boolean
  /** The packet starts a key frame (the VP8 header's P bit is 0). */
  keyFrameStart: boolean
  /** PictureID and its width in bits (7 or 15), if present. */
  pictureId?: { value: number; bits: 7 | 15; offset: number }
  /** TL0PICIDX, if present. */
  tl0PicIdx?: { value: number; offset: number }
}

/** Reads the descriptor at the start of a VP8 RTP payload. */
export function readVp8(payload: Uint8Array): Vp8Descriptor {
  const first = payload[0] ?? 0
  const frameStart = (first & 0x10) !== 0 && (first & 0x07) === 0
  let offset = 1
  let pictureId: Vp8Descriptor['pictureId']
  let tl0PicIdx: Vp8Descriptor['tl0PicIdx']
  if (first & 0x80) {
    const ext = payload[offset++] ?? 0
    if (ext & 0x80) {
      const m = (payload[offset] ?? 0) & 0x80
      pictureId = m
        ? { value: (((payload[offset] ?? 0) & 0x7f) << 8) | (payload[offset + 1] ?? 0), bits: 15, offset }
        : { value: (payload[offset] ?? 0) & 0x7f, bits: 7, offset }
      offset += m ? 2 : 1
    }
    if (ext & 0x40) tl0PicIdx = { value: payload[offset] ?? 0, offset: offset++ }
    if (ext & 0x30) offset++
  }
  const keyFrameStart = frameStart && payload.length > offset && ((payload[offset] ?? 1) & 0x01) === 0
  return { frameStart, keyFrameStart, pictureId, tl0PicIdx }
}

/** A copy of `payload` with its PictureID and TL0PICIDX (where present) set to these, wrapped to their width. */
export function withPictureNumbers(payload: Buffer, pictureId: number, tl0PicIdx: number): Buffer {
  const out = Buffer.from(payload)
  const { pictureId: pid, tl0PicIdx: tl0 } = readVp8(out)
  if (pid?.bits === 15) out.writeUInt16BE(0x8000 | (pictureId & 0x7fff), pid.offset)
  if (pid?.bits === 7) out[pid.offset] = pictureId & 0x7f
  if (tl0) out[tl0.offset] = tl0PicIdx & 0xff
  return out
}
