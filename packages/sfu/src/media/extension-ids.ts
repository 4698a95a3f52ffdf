import { RTCRtpHeaderExtensionParameters } from 'werift'

/** Chromium's own numbering; offering the same ids avoids collisions with what it sent. */
const CHROMIUM_IDS: Record<string, number> = {
  'urn:ietf:params:rtp-hdrext:sdes:mid': 4,
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time': 2,
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01': 3,
  'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id': 10,
  'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id': 11,
}

/** uri → id for every extension a session's descriptions already number. */
export function extensionIdsIn(sdps: readonly string[]): Map<string, number> {
  const ids = new Map<string, number>()
  for (const sdp of sdps) {
    for (const match of sdp.matchAll(/^a=extmap:(\d+)(?:\/\w+)? (\S+)/gm)) {
      if (!ids.has(match[2]!)) ids.set(match[2]!, Number(match[1]))
    }
  }
  return ids
}

/**
 * Header extensions for a transceiver the SFU adds to its own offer. werift numbers
 * its configured extensions 1, 2, 3…, which inside one BUNDLE can clash with the ids
 * the browser already gave other extensions; reuse the session's numbering instead.
 */
export function extensionsFor(
  configured: readonly RTCRtpHeaderExtensionParameters[],
  sessionSdps: readonly string[],
): RTCRtpHeaderExtensionParameters[] {
  const known = extensionIdsIn(sessionSdps)
  const taken = new Set(known.values())
  const pick = (uri: string): number | undefined => {
    const existing = known.get(uri)
    if (existing !== undefined) return existing
    for (const id of [CHROMIUM_IDS[uri], ...Array.from({ length: 14 }, (_, i) => i + 1)]) {
      if (id !== undefined && !taken.has(id)) return id
    }
    return undefined
  }
  return configured.flatMap((ext) => {
    const id = pick(ext.uri)
    if (id === undefined) return []
    taken.add(id)
    known.set(ext.uri, id)
    return [new RTCRtpHeaderExtensionParameters({ id, uri: ext.uri })]
  })
}
