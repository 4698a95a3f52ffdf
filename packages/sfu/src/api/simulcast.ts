import type { PublishedTrack } from '../media/published-track.ts'
import type { OperationContext } from './context.ts'

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Whether the publisher negotiated layers for this track: its media section in the description the
 * publisher gave (offer or answer) says `a=simulcast:send`. What the SDP says holds before any
 * packet arrives; the layers seen on the wire would tell only once media flows.
 */
export function publishesSimulcast(ctx: OperationContext, source: PublishedTrack): boolean {
  const sdp = ctx.registry.findSession(ctx.appId, source.sessionId)?.pc.currentRemoteDescription?.sdp
  const mid = source.mid
  if (!sdp || mid === undefined) return false
  const midLine = new RegExp(`^a=mid:${escapeRegExp(mid)}\\r?$`, 'm')
  const section = sdp.split(/(?=^m=)/m).find((s) => midLine.test(s))
  return section !== undefined && /^a=simulcast:\s*send\s/m.test(section)
}
