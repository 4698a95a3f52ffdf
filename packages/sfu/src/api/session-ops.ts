import type {
  CloseTracksRequest,
  CloseTracksResponse,
  GetSessionResponse,
  NewSessionRequest,
  NewSessionResponse,
  RenegotiateRequest,
  RenegotiateResponse,
  UpdateTracksRequest,
  UpdateTracksResponse,
} from '@tangerine/contracts/calls/api'
import { invalidParams, invalidSdp } from '../errors.ts'
import type { SessionRegistry } from '../sessions/registry.ts'
import type { OperationContext } from './context.ts'
import { publishesSimulcast } from './simulcast.ts'

export async function newSession(
  registry: SessionRegistry,
  appId: string,
  thirdparty: boolean,
  body: NewSessionRequest,
): Promise<NewSessionResponse> {
  const offer = body.sessionDescription
  if (offer && offer.type !== 'offer') throw invalidSdp('sessions/new takes an offer, not an answer')
  const session = registry.create(appId, thirdparty)
  if (!offer) return { sessionId: session.id }
  try {
    // Legacy pattern: the first offer comes with the session; its tracks come later.
    const sdp = await session.run(() => session.answer(offer.sdp))
    return { sessionId: session.id, sessionDescription: { type: 'answer', sdp } }
  } catch (err) {
    session.close('rejected first offer')
    throw err
  }
}

/** An answer to the SFU's offer → `{}`; a client offer (e.g. an ICE restart) → an answer. */
export async function renegotiate(ctx: OperationContext, body: RenegotiateRequest): Promise<RenegotiateResponse> {
  const description = body.sessionDescription
  if (description.type === 'offer') {
    const sdp = await ctx.session.answer(description.sdp)
    return { sessionDescription: { type: 'answer', sdp } }
  }
  await ctx.session.applyAnswer(description.sdp)
  return {}
}

export async function closeTracks(ctx: OperationContext, body: CloseTracksRequest): Promise<CloseTracksResponse> {
  const { session } = ctx
  const offer = body.sessionDescription
  if (offer && offer.type !== 'offer') throw invalidSdp('tracks/close takes an offer, not an answer')
  // "When false, sessionDescription must contain the endpoint's offer" (the API schema's
  // CloseTracksRequest, https://developers.cloudflare.com/realtime/sfu/api/).
  if (!offer && !body.force) throw invalidParams('tracks/close with force:false takes the endpoint offer')
  if (offer) session.assertStable()
  const targets = body.tracks.map(({ mid }) => ({
    mid,
    records: session.records.filter((r) => r.mid === mid && !r.closed),
  }))
  const close = () => {
    ctx.log.debug('tracks closed', { sessionId: session.id, mids: targets.map(({ mid }) => mid).join(',') })
    for (const { records } of targets) {
      for (const record of records) {
        record.closed = true
        record.subscription?.close()
        if (record.published) session.unpublish(record.published)
      }
    }
  }
  const results = targets.map(({ mid, records }) =>
    records.length > 0
      ? { mid }
      : { mid, errorCode: 'close_track_error', errorDescription: "Track doesn't exist or was already closed" },
  )
  if (offer) {
    const sdp = await session.answer(offer.sdp, close)
    return { requiresImmediateRenegotiation: false, sessionDescription: { type: 'answer', sdp }, tracks: results }
  }
  close()
  return { requiresImmediateRenegotiation: false, tracks: results }
}

/** Points existing pull transceivers at another publication, or changes their layer. */
export async function updateTracks(ctx: OperationContext, body: UpdateTracksRequest): Promise<UpdateTracksResponse> {
  const { session } = ctx
  await session.waitForTransport(ctx.transportWaitMs)
  const tracks = body.tracks.map((item) => {
    const echo = { mid: item.mid, sessionId: item.sessionId, trackName: item.trackName }
    const record = session.records.find((r) => r.location === 'remote' && r.mid === item.mid && r.subscription)
    const subscription = record?.subscription
    if (!record || !subscription) {
      return { ...echo, errorCode: 'update_track_error', errorDescription: `No pulled track with mid "${item.mid}"` }
    }
    const sessionId = item.sessionId ?? record.sessionId ?? ''
    const trackName = item.trackName ?? record.trackName
    const source = ctx.registry.findPublished(ctx.appId, sessionId, trackName)
    if (!source) {
      return {
        ...echo,
        errorCode: 'not_found_track_error',
        errorDescription: `Track "${trackName}" of session ${sessionId} is not published`,
      }
    }
    // The m-line was negotiated for one kind and codec: another's packets would not decode there.
    const codec = session.transceiverByMid(item.mid)?.sender.codec?.mimeType
    const current = subscription.source
    if (
      (current && current.kind !== source.kind) ||
      (codec && source.mimeType && codec.toLowerCase() !== source.mimeType.toLowerCase())
    ) {
      return {
        ...echo,
        errorCode: 'update_track_error',
        errorDescription:
          `Track "${trackName}" is ${source.kind} ${source.mimeType || ''}, but mid "${item.mid}" carries ${current?.kind ?? ''} ${codec ?? ''}`.replace(
            /\s+/g,
            ' ',
          ),
      }
    }
    // A layer preference needs layers: "update_track_error: The track is not configured for the
    // requested simulcast update" (https://developers.cloudflare.com/realtime/sfu/observability/error-codes/).
    if (item.simulcast && !publishesSimulcast(ctx, source)) {
      return {
        ...echo,
        errorCode: 'update_track_error',
        errorDescription: `Track "${trackName}" of session ${sessionId} is not simulcast`,
      }
    }
    ctx.log.debug('pull updated', {
      sessionId: ctx.session.id,
      mid: item.mid,
      track: `${sessionId}/${trackName}`,
      preferredRid: item.simulcast?.preferredRid,
    })
    subscription.retarget(source, item.simulcast ?? subscription.preference)
    record.sessionId = sessionId
    record.trackName = trackName
    record.closed = false
    return { mid: item.mid, sessionId, trackName, ...(item.simulcast ? { simulcast: item.simulcast } : {}) }
  })
  return { requiresImmediateRenegotiation: false, tracks }
}

export function getSession(ctx: OperationContext): GetSessionResponse {
  return { tracks: ctx.session.trackStates(), dataChannels: ctx.session.dataChannelStates() }
}
