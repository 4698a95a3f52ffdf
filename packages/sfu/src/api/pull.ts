import type { RTCRtpCodecParameters, RTCRtpTransceiver } from 'werift'
import type { TrackObject, TrackResult } from '@tangerine/contracts/calls/api'
import { Subscription } from '../media/subscription.ts'
import type { PublishedTrack } from '../media/published-track.ts'
import { trackNotFound } from '../errors.ts'
import type { OperationContext } from './context.ts'

/** The SFU's codecs of the publisher's kind, narrowed to the publisher's codec (and its RTX). */
export function codecsFor(ctx: OperationContext, source: PublishedTrack): RTCRtpCodecParameters[] {
  const all = ctx.session.pc.config.codecs[source.kind] ?? []
  const primary = source.codecs.find((c) => !/\/(rtx|red|ulpfec)$/i.test(c.mimeType))
  if (!primary) return []
  const main = all.find((c) => c.mimeType.toLowerCase() === primary.mimeType.toLowerCase())
  if (!main) return []
  const rtx = all.find((c) => c.name.toLowerCase() === 'rtx' && c.parameters === `apt=${main.payloadType}`)
  return rtx ? [main, rtx] : [main]
}

export interface PlannedPull {
  result: TrackResult
  /** Set when the pull added a transceiver that the SFU offer must carry. */
  needsOffer: boolean
  transceiver?: RTCRtpTransceiver
}

/**
 * Attaches every pull of a `tracks/new` batch. Items that name `#trackName` reuse that
 * existing sendrecv transceiver and take effect at once, without SDP (Orange's AI
 * flow relies on it); the rest get a new sendonly transceiver each and need the SFU
 * offer the caller makes afterwards.
 */
export function attachPulls(ctx: OperationContext, items: TrackObject[]): PlannedPull[] {
  const { session } = ctx
  return items.map((item): PlannedPull => {
    const echo = { sessionId: item.sessionId, trackName: item.trackName }
    const source = ctx.registry.findPublished(ctx.appId, item.sessionId ?? '', item.trackName ?? '')
    if (!source) return { result: { ...echo, mid: '', ...trackNotFound }, needsOffer: false }
    const preference = item.simulcast ?? {}
    if (item.mid?.startsWith('#')) {
      const target = session.published.get(item.mid.slice(1))
      if (!target?.bidirectional || target.kind !== source.kind) {
        const errorDescription = `No ${source.kind} sendrecv transceiver named "${item.mid}" on this session`
        return { result: { ...echo, mid: '', errorCode: 'not_found_track_error', errorDescription }, needsOffer: false }
      }
      const sender = target.transceiver.sender
      const previous = session.records.find((r) => !r.closed && r.subscription?.sender === sender)
      let subscription = previous?.subscription
      if (previous && subscription) {
        previous.closed = true
        subscription.retarget(source, preference)
      } else {
        subscription = new Subscription(sender, source, preference)
      }
      recordPull(ctx, item, target.transceiver, subscription)
      return { result: { ...echo, mid: target.mid ?? '' }, needsOffer: false, transceiver: target.transceiver }
    }
    const transceiver = session.pc.addTransceiver(source.kind, { direction: 'sendonly' })
    const codecs = codecsFor(ctx, source)
    if (codecs.length > 0) transceiver.setCodecPreferences(codecs)
    recordPull(ctx, item, transceiver, new Subscription(transceiver.sender, source, preference))
    return { result: echo, needsOffer: true, transceiver }
  })
}

function recordPull(
  ctx: OperationContext,
  item: TrackObject,
  transceiver: RTCRtpTransceiver,
  subscription: Subscription,
): void {
  const record = {
    location: 'remote' as const,
    trackName: item.trackName ?? '',
    sessionId: item.sessionId,
    closed: false,
    subscription,
    get mid() {
      return transceiver.mid ?? undefined
    },
  }
  subscription.onEnded = () => {
    record.closed = true
  }
  ctx.session.records.push(record)
}
