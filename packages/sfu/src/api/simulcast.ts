import type { TrackSource } from '../media/track-source.ts'
import { PipedTrack } from '../shards/piped-track.ts'
import type { OperationContext } from './context.ts'

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Whether the media section `mid` of a publisher's SDP says `a=simulcast:send`. */
export function sectionSendsSimulcast(sdp: string, mid: string): boolean {
  const midLine = new RegExp(`^a=mid:${escapeRegExp(mid)}\\r?$`, 'm')
  const section = sdp.split(/(?=^m=)/m).find((s) => midLine.test(s))
  return section !== undefined && /^a=simulcast:\s*send\s/m.test(section)
}

/**
 * Whether the publisher negotiated layers for this track: its media section in the description the
 * publisher gave (offer or answer) says `a=simulcast:send`. What the SDP says holds before any
 * packet arrives; the layers seen on the wire would tell only once media flows. A track piped from
 * another shard carries what its shard read from the same SDP.
 */
export function publishesSimulcast(ctx: OperationContext, source: TrackSource): boolean {
  if (source instanceof PipedTrack) return source.simulcast
  const sdp = ctx.registry.findSession(ctx.appId, source.sessionId)?.pc.currentRemoteDescription?.sdp
  const mid = source.mid
  if (!sdp || mid === undefined) return false
  return sectionSendsSimulcast(sdp, mid)
}
