import type { RTCPeerConnection } from 'werift'

/** The rids a description's section sends, by mid: `a=rid:<id> send` lines. */
function sentRidsByMid(sdp: string): Map<string, string[]> {
  const byMid = new Map<string, string[]>()
  for (const section of sdp.split(/\r?\n(?=m=)/)) {
    const mid = /^a=mid:(\S+)/m.exec(section)?.[1]
    if (mid === undefined) continue
    // Restrictions may follow the direction (`a=rid:a send max-width=1280`); only the id matters here.
    const rids = [...section.matchAll(/^a=rid:(\S+) send\b/gm)].map((m) => m[1]!)
    if (rids.length > 0) byMid.set(mid, rids)
  }
  return byMid
}

/**
 * Carries every publisher's simulcast description into the offers the SFU makes to its session.
 * werift writes `a=rid`/`a=simulcast` into an answer from the remote offer, but into an offer only
 * from the transceiver's own options, which a transceiver created by a remote offer never has: the
 * SFU's offer would then drop them, and Chromium, answering it, stops sending all layers but one.
 * The rids are the ones last negotiated, so an offer never asks for layers the publisher did not offer.
 */
export function keepPublishersSimulcast(pc: RTCPeerConnection): void {
  const remote = pc.currentRemoteDescription?.sdp
  if (!remote) return
  const sent = sentRidsByMid(remote)
  for (const transceiver of pc.getTransceivers()) {
    const rids = transceiver.mid === null || transceiver.mid === undefined ? undefined : sent.get(transceiver.mid)
    if (rids) transceiver.options.simulcast = rids.map((rid) => ({ rid, direction: 'recv' as const }))
  }
}
