/**
 * Whether an RTP payload starts a keyframe, for the codecs where that is cheap to
 * tell. `undefined` means "cannot tell" (the caller then does not wait for one).
 */
export function isKeyframeStart(mimeType: string, payload: Buffer): boolean | undefined {
  switch (mimeType.toLowerCase()) {
    case 'video/vp8':
      return vp8(payload)
    case 'video/vp9':
      // RFC 9628: P=0 (not inter-predicted) on the packet that begins a frame (B=1).
      return payload.length > 0 && (payload[0]! & 0x40) === 0 && (payload[0]! & 0x08) !== 0
    case 'video/h264':
      return h264(payload)
    default:
      return undefined
  }
}

/** RFC 7741: skip the payload descriptor, then the VP8 header's P bit is 0 on keyframes. */
function vp8(payload: Buffer): boolean {
  if (payload.length < 1) return false
  const first = payload[0]!
  const startOfPartition = (first & 0x10) !== 0 && (first & 0x07) === 0
  if (!startOfPartition) return false
  let offset = 1
  if (first & 0x80) {
    const ext = payload[offset++]
    if (ext === undefined) return false
    if (ext & 0x80) offset += (payload[offset] ?? 0) & 0x80 ? 2 : 1
    if (ext & 0x40) offset += 1
    if (ext & 0x30) offset += 1
  }
  const header = payload[offset]
  return header !== undefined && (header & 0x01) === 0
}

const IDR = 5
const SPS = 7

/** RFC 6184: an IDR or SPS NAL unit, alone, inside a STAP-A, or starting an FU-A. */
function h264(payload: Buffer): boolean {
  if (payload.length < 2) return false
  const type = payload[0]! & 0x1f
  if (type === IDR || type === SPS) return true
  if (type === 28) return (payload[1]! & 0x80) !== 0 && (payload[1]! & 0x1f) === IDR
  if (type === 24) {
    for (let offset = 1; offset + 2 < payload.length;) {
      const size = payload.readUInt16BE(offset)
      const nal = payload[offset + 2]! & 0x1f
      if (nal === IDR || nal === SPS) return true
      offset += 2 + size
    }
  }
  return false
}
