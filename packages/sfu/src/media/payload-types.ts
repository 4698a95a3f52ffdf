import { RTCRtpCodecParameters } from 'werift'

interface PayloadMapping {
  name: string
  clockRate: number
  fmtp: string
}

const isAuxiliary = (mimeType: string) => /\/(rtx|red|ulpfec|flexfec-03)$/i.test(mimeType)

/** Every payload type a session's descriptions already map, from its SDP text. */
export function payloadTypesIn(sdps: readonly string[]): Map<number, PayloadMapping> {
  const map = new Map<number, PayloadMapping>()
  for (const sdp of sdps) {
    for (const match of sdp.matchAll(/^a=rtpmap:(\d+) ([^/\s]+)\/(\d+)/gm)) {
      const pt = Number(match[1])
      if (!map.has(pt)) map.set(pt, { name: match[2]!.toLowerCase(), clockRate: Number(match[3]), fmtp: '' })
    }
    for (const match of sdp.matchAll(/^a=fmtp:(\d+) (.*)$/gm)) {
      const entry = map.get(Number(match[1]))
      if (entry && !entry.fmtp) entry.fmtp = match[2]!.trim()
    }
  }
  return map
}

const fmtpParam = (fmtp: string | undefined, key: string) =>
  new RegExp(`(?:^|;)\\s*${key}=([^;]+)`).exec(fmtp ?? '')?.[1]?.toLowerCase()

/** H.264 mappings are interchangeable only with the same profile and packetization mode. */
function sameCodec(entry: PayloadMapping, codec: RTCRtpCodecParameters): boolean {
  if (entry.name !== codec.name.toLowerCase() || entry.clockRate !== codec.clockRate) return false
  if (entry.name !== 'h264') return true
  return (
    fmtpParam(entry.fmtp, 'packetization-mode') === fmtpParam(codec.parameters, 'packetization-mode') &&
    fmtpParam(entry.fmtp, 'profile-level-id')?.slice(0, 4) ===
      fmtpParam(codec.parameters, 'profile-level-id')?.slice(0, 4)
  )
}

function firstFree(taken: Map<number, PayloadMapping>, preferred: Array<number | undefined>): number {
  for (const pt of preferred) if (pt !== undefined && !taken.has(pt)) return pt
  for (let pt = 96; pt <= 127; pt++) if (!taken.has(pt)) return pt
  for (let pt = 35; pt <= 63; pt++) if (!taken.has(pt)) return pt
  throw new Error('No free payload type left in this session')
}

/**
 * The codecs to offer a puller for one publication: the publisher's codec (and RTX),
 * under payload types that cannot collide inside the puller's BUNDLE. Browsers reject
 * an offer that maps a payload type they already use for another codec, so a mapping
 * the session already has wins, then the publisher's numbers, then the SFU's defaults.
 */
export function pullCodecs(
  serverCodecs: readonly RTCRtpCodecParameters[],
  publisherCodecs: readonly RTCRtpCodecParameters[],
  sessionSdps: readonly string[],
): RTCRtpCodecParameters[] {
  const primary = publisherCodecs.find((c) => !isAuxiliary(c.mimeType))
  if (!primary) return []
  const server = serverCodecs.find((c) => c.mimeType.toLowerCase() === primary.mimeType.toLowerCase())
  const taken = payloadTypesIn(sessionSdps)
  const reuse = [...taken].find(([, entry]) => sameCodec(entry, primary))?.[0]
  const pt = reuse ?? firstFree(taken, [primary.payloadType, server?.payloadType])
  taken.set(pt, { name: primary.name.toLowerCase(), clockRate: primary.clockRate, fmtp: primary.parameters ?? '' })
  const main = new RTCRtpCodecParameters({
    mimeType: primary.mimeType,
    clockRate: primary.clockRate,
    channels: primary.channels,
    payloadType: pt,
    parameters: primary.parameters,
    rtcpFeedback: server?.rtcpFeedback ?? primary.rtcpFeedback,
  })
  if (primary.mimeType.toLowerCase().startsWith('audio/')) return [main]
  const rtxReuse = [...taken].find(([, e]) => e.name === 'rtx' && fmtpParam(e.fmtp, 'apt') === String(pt))?.[0]
  const publisherRtx = publisherCodecs.find(
    (c) => c.name.toLowerCase() === 'rtx' && c.parameters === `apt=${primary.payloadType}`,
  )
  const serverRtx = serverCodecs.find(
    (c) => c.name.toLowerCase() === 'rtx' && c.parameters === `apt=${server?.payloadType}`,
  )
  const rtxPt = rtxReuse ?? firstFree(taken, [publisherRtx?.payloadType, serverRtx?.payloadType])
  const rtx = new RTCRtpCodecParameters({
    mimeType: `${primary.mimeType.split('/')[0]}/rtx`,
    clockRate: primary.clockRate,
    payloadType: rtxPt,
    parameters: `apt=${pt}`,
  })
  return [main, rtx]
}
