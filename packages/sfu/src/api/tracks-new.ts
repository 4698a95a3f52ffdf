import type { TracksRequest, TracksResponse, TrackResult } from '@tangerine/contracts/calls/api'
import { invalidParams, invalidSdp } from '../errors.ts'
import type { OperationContext } from './context.ts'
import { attachPulls } from './pull.ts'
import { publishForSfuOffer, publishFromOffer } from './push.ts'

/** Fills in the mids the SFU offer just assigned. */
function withMids(results: TrackResult[], mids: Array<() => string | undefined>): TrackResult[] {
  return results.map((result, i) => (result.errorCode ? result : { ...result, mid: mids[i]?.() ?? result.mid ?? '' }))
}

/** Everything is checked before anything changes, so a rejected request leaves no trace. */
function validate(body: TracksRequest): 'local' | 'remote' | 'none' {
  const tracks = body.tracks ?? []
  const offer = body.sessionDescription
  if (offer && offer.type !== 'offer') throw invalidSdp('tracks/new takes an offer, not an answer')
  if (tracks.length === 0) {
    if (offer && body.autoDiscover) return 'none'
    throw invalidParams('tracks must list at least one track (or send an offer with autoDiscover)')
  }
  const locations = new Set(tracks.map((t) => t.location))
  if (locations.size > 1) throw invalidParams('One request is either all local or all remote tracks')
  const location = tracks[0]?.location
  if (location === undefined) throw invalidParams('Every track needs a location, "local" or "remote"')
  for (const [i, track] of tracks.entries()) {
    if (!track.trackName) throw invalidParams(`tracks[${i}].trackName is required`)
    if (location === 'local' && offer && !track.mid) throw invalidParams(`tracks[${i}].mid is required with an offer`)
    if (location === 'local' && !offer && !track.kind) {
      throw invalidParams(`tracks[${i}].kind is required when the SFU makes the offer`)
    }
    if (location === 'remote' && !track.sessionId) throw invalidParams(`tracks[${i}].sessionId is required`)
  }
  if (location === 'remote' && offer) {
    // Pull with a client offer (its recvonly m-sections named by mid): UNCONFIRMED
    // upstream, served as an answer whose sendonly sections carry the pulled tracks.
    throw invalidParams('Pulling remote tracks with a client offer is not supported; send no offer')
  }
  return location
}

export async function tracksNew(ctx: OperationContext, body: TracksRequest): Promise<TracksResponse> {
  const location = validate(body)
  const { session } = ctx
  const tracks = body.tracks ?? []
  const offer = body.sessionDescription
  // Only pulls into named sendrecv transceivers (`#name`) need no exchange, and so no stable state.
  if (tracks.length === 0 || tracks.some((t) => !t.mid?.startsWith('#'))) session.assertStable()
  await session.waitForTransport(ctx.transportWaitMs)

  if (location !== 'remote') {
    if (offer) {
      let results: TrackResult[] = []
      const sdp = await session.answer(offer.sdp, () => {
        results = publishFromOffer(ctx, tracks, body.autoDiscover === true)
      })
      return { requiresImmediateRenegotiation: false, sessionDescription: { type: 'answer', sdp }, tracks: results }
    }
    const results = publishForSfuOffer(ctx, tracks)
    const sdp = await session.offer()
    const mids = tracks.map((t) => () => session.published.get(t.trackName ?? '')?.mid)
    return {
      requiresImmediateRenegotiation: true,
      sessionDescription: { type: 'offer', sdp },
      tracks: withMids(results, mids),
    }
  }

  const pulls = attachPulls(ctx, tracks)
  const results = pulls.map((p) => p.result)
  if (!pulls.some((p) => p.needsOffer)) {
    return { requiresImmediateRenegotiation: false, tracks: results }
  }
  const sdp = await session.offer()
  const mids = pulls.map((p) => () => p.transceiver?.mid ?? undefined)
  return {
    requiresImmediateRenegotiation: true,
    sessionDescription: { type: 'offer', sdp },
    tracks: withMids(results, mids),
  }
}
