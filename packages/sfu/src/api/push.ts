import type { RTCRtpTransceiver } from 'werift'
import type { TrackObject, TrackResult } from '@tangerine/contracts/calls/api'
import { logLayers } from '../media/layer-log.ts'
import { PublishedTrack } from '../media/published-track.ts'
import { newId } from '../sessions/session.ts'
import type { OperationContext } from './context.ts'
import { addNumberedTransceiver } from './pull.ts'

const repeated = (trackName: string) => ({
  errorCode: 'repeated_local_track_error' as const,
  errorDescription: `Track "${trackName}" is already published on this session`,
})

function publish(ctx: OperationContext, name: string, transceiver: RTCRtpTransceiver, bidirectional: boolean) {
  const { session } = ctx
  const track = new PublishedTrack({
    name,
    sessionId: session.id,
    transceiver,
    kind: transceiver.kind === 'audio' ? 'audio' : 'video',
    bidirectional,
  })
  session.published.set(name, track)
  session.records.push({
    location: 'local',
    trackName: name,
    closed: false,
    published: track,
    get mid() {
      return transceiver.mid ?? undefined
    },
  })
  ctx.log.info('track published', { sessionId: session.id, trackName: name, kind: track.kind, bidirectional })
  logLayers(track, ctx.log)
  return track
}

/** Names already taken, by the session or earlier in this batch, get an item error. */
function duplicateCheck(ctx: OperationContext) {
  const seen = new Set<string>()
  return (name: string) => {
    const taken = seen.has(name) || ctx.session.published.has(name)
    seen.add(name)
    return taken
  }
}

/**
 * Push with a client offer: runs inside `Session.answer`, after the offer is applied
 * and before the answer is made, so each item's mid names a transceiver by then.
 */
export function publishFromOffer(ctx: OperationContext, items: TrackObject[], autoDiscover: boolean): TrackResult[] {
  const isDuplicate = duplicateCheck(ctx)
  const results: TrackResult[] = items.map((item) => {
    const name = item.trackName ?? ''
    const echo = { trackName: name, mid: item.mid ?? '' }
    if (isDuplicate(name)) return { ...echo, ...repeated(name) }
    const transceiver = ctx.session.transceiverByMid(item.mid ?? '')
    if (!transceiver) {
      return {
        ...echo,
        errorCode: 'not_found_track_error',
        errorDescription: `The offer has no media section with mid "${item.mid}"`,
      }
    }
    publish(ctx, name, transceiver, false)
    return echo
  })
  if (autoDiscover) {
    const claimed = new Set([...ctx.session.published.values()].map((t) => t.transceiver))
    for (const transceiver of ctx.session.pc.getTransceivers()) {
      const receiving = transceiver.direction === 'recvonly' || transceiver.direction === 'sendrecv'
      if (claimed.has(transceiver) || !receiving || transceiver.mid == null || transceiver.stopped) continue
      if (ctx.session.records.some((r) => r.mid === transceiver.mid)) continue
      const name = newId()
      publish(ctx, name, transceiver, false)
      results.push({ trackName: name, mid: transceiver.mid })
    }
  }
  return results
}

/** Push where the SFU makes the offer: one new transceiver per item, answered via renegotiate. */
export function publishForSfuOffer(ctx: OperationContext, items: TrackObject[]): TrackResult[] {
  const isDuplicate = duplicateCheck(ctx)
  return items.map((item) => {
    const name = item.trackName ?? ''
    if (isDuplicate(name)) return { trackName: name, mid: '', ...repeated(name) }
    const bidirectional = item.bidirectionalMediaStream === true
    const direction = bidirectional ? 'sendrecv' : 'recvonly'
    const transceiver = addNumberedTransceiver(ctx, item.kind ?? 'audio', direction)
    publish(ctx, name, transceiver, bidirectional)
    return { trackName: name }
  })
}
