import { MediaStream, type RTCRtpTransceiver } from 'werift'
import type { TrackObject, TrackResult } from '@tangerine/contracts/calls/api'
import { Subscription } from '../media/subscription.ts'
import type { TrackSource } from '../media/track-source.ts'
import { trackNotFound } from '../errors.ts'
import { pullCodecs } from '../media/payload-types.ts'
import { extensionsFor } from '../media/extension-ids.ts'
import type { OperationContext } from './context.ts'

/** Every description of the session plus what pending transceivers will add to the next. */
export function sessionNumbering(ctx: OperationContext): string[] {
  const { pc } = ctx.session
  const pending = pc
    .getTransceivers()
    .flatMap((t) => [
      ...t.codecs.map(
        (c) => `a=rtpmap:${c.payloadType} ${c.name}/${c.clockRate}\na=fmtp:${c.payloadType} ${c.parameters ?? ''}`,
      ),
      ...t.headerExtensions.map((e) => `a=extmap:${e.id} ${e.uri}`),
    ])
  return [pc.currentRemoteDescription?.sdp, pc.currentLocalDescription?.sdp, pending.join('\n')].filter(
    (s) => s !== undefined,
  )
}

/**
 * A new SFU-offered transceiver numbered to fit the session's BUNDLE: the publisher's
 * codec under non-colliding payload types (werift would otherwise use its configured
 * numbers), and header extension ids the session already uses.
 */
export function addNumberedTransceiver(
  ctx: OperationContext,
  kind: 'audio' | 'video',
  direction: 'sendonly' | 'recvonly' | 'sendrecv',
  source?: TrackSource,
): RTCRtpTransceiver {
  const { pc } = ctx.session
  const sdps = sessionNumbering(ctx)
  // One stream per publisher session, so a browser syncs its audio and video.
  const streams = source ? [new MediaStream({ id: source.sessionId })] : []
  const transceiver = pc.addTransceiver(kind, { direction, streams })
  const codecs = source ? pullCodecs(pc.config.codecs[kind] ?? [], source.codecs, sdps) : []
  if (codecs.length > 0) transceiver.codecs = codecs
  transceiver.headerExtensions = extensionsFor(pc.config.headerExtensions[kind] ?? [], sdps)
  return transceiver
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
    // The API schema's pull example answers with the item's `simulcast` as asked
    // (https://developers.cloudflare.com/realtime/sfu/api/, remote_tracks_with_simulcast).
    const echo = {
      sessionId: item.sessionId,
      trackName: item.trackName,
      ...(item.simulcast ? { simulcast: item.simulcast } : {}),
    }
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
        subscription = new Subscription(
          sender,
          source,
          preference,
          ctx.registry.stats,
          ctx.log.child({ sessionId: session.id }),
          ctx.registry.fastSend,
        )
      }
      recordPull(ctx, item, target.transceiver, subscription)
      return { result: { ...echo, mid: target.mid ?? '' }, needsOffer: false, transceiver: target.transceiver }
    }
    const transceiver = addNumberedTransceiver(ctx, source.kind, 'sendonly', source)
    recordPull(
      ctx,
      item,
      transceiver,
      new Subscription(
        transceiver.sender,
        source,
        preference,
        ctx.registry.stats,
        ctx.log.child({ sessionId: session.id }),
        ctx.registry.fastSend,
      ),
    )
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
