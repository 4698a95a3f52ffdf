import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSfu } from '../src/server.ts'
import { APP_ID, clientFor, raw, startTestSfu } from './helpers/sfu.ts'
import { publish, pull } from './helpers/peer.ts'

/*
 * Tracks and negotiation as Cloudflare documents them: the API schema linked from
 * https://developers.cloudflare.com/realtime/sfu/api/ and the error-code page
 * (https://developers.cloudflare.com/realtime/sfu/observability/error-codes/).
 */

// A Chromium sendonly offer (audio mid 0, video mid 1); with layers, its video says what a
// simulcast camera says: three rids it sends.
const chromiumOffer = readFileSync(new URL('./fixtures/chromium-offer.sdp', import.meta.url), 'utf8')
const withSimulcastVideo = (sdp: string) =>
  sdp.replace(/^(a=mid:1\r?\n)/m, '$1a=rid:f send\r\na=rid:h send\r\na=rid:q send\r\na=simulcast:send f;h;q\r\n')

let sfu: RunningSfu
beforeAll(async () => {
  sfu = await startTestSfu()
})
afterAll(() => sfu.close())

const base = `/v1/apps/${APP_ID}`

describe('tracks as documented', () => {
  // CloseTracksRequest.force: "When false, sessionDescription must contain the endpoint's offer"
  // (API schema); a missing required value is invalid_params (error-code page).
  it('refuses tracks/close with force:false and no offer, closing nothing and offering nothing', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'mic', kind: 'audio', tag: 1 }])
    const mid = a.transceivers.get('mic')!.mid!
    const res = await raw(sfu, 'PUT', `${base}/sessions/${a.sessionId}/tracks/close`, {
      body: JSON.stringify({ tracks: [{ mid }], force: false }),
    })
    expect({ status: res.status, errorCode: res.json.errorCode }).toEqual({ status: 406, errorCode: 'invalid_params' })
    expect(res.json.sessionDescription).toBeUndefined()
    expect((await api.getSession(a.sessionId)).tracks).toEqual([
      { location: 'local', mid, trackName: 'mic', status: 'active' },
    ])
    // Nothing awaits an answer: the session takes its next change at once.
    expect(sfu.registry.findSession(APP_ID, a.sessionId)?.pc.signalingState).toBe('stable')
    await a.close()
  })

  // update_track_error: "The track is not configured for the requested simulcast update"
  // (error-code page); the pull example remote_tracks_with_simulcast answers with the item's
  // simulcast object (API schema, tracks/new).
  it('echoes simulcast on pulls, and refuses a layer preference for a track without layers', async () => {
    const api = clientFor(sfu)
    const { sessionId: publisher } = await api.newSession()
    await api.newTracks(publisher, {
      sessionDescription: { type: 'offer', sdp: withSimulcastVideo(chromiumOffer) },
      tracks: [
        { location: 'local', trackName: 'mic', mid: '0' },
        { location: 'local', trackName: 'cam', mid: '1' },
      ],
    })
    const simulcast = { preferredRid: 'h', priorityOrdering: 'asciibetical', ridNotAvailable: 'asciibetical' } as const
    const { sessionId } = await api.newSession()
    const pulled = await api.newTracks(sessionId, {
      tracks: [
        { location: 'remote', sessionId: publisher, trackName: 'cam', simulcast },
        { location: 'remote', sessionId: publisher, trackName: 'mic' },
      ],
    })
    const [cam, mic] = pulled.tracks!
    expect(cam).toEqual({ sessionId: publisher, trackName: 'cam', mid: expect.any(String), simulcast })
    expect(mic).toEqual({ sessionId: publisher, trackName: 'mic', mid: expect.any(String) })

    const res = await api.updateTracks(sessionId, {
      tracks: [
        {
          location: 'remote',
          sessionId: publisher,
          trackName: 'cam',
          mid: cam!.mid!,
          simulcast: { preferredRid: 'q' },
        },
        {
          location: 'remote',
          sessionId: publisher,
          trackName: 'mic',
          mid: mic!.mid!,
          simulcast: { preferredRid: 'q' },
        },
        { location: 'remote', sessionId: publisher, trackName: 'mic', mid: mic!.mid! },
      ],
    })
    expect(res.tracks).toEqual([
      { mid: cam!.mid, sessionId: publisher, trackName: 'cam', simulcast: { preferredRid: 'q' } },
      {
        mid: mic!.mid,
        sessionId: publisher,
        trackName: 'mic',
        errorCode: 'update_track_error',
        errorDescription: expect.stringMatching(/not simulcast/),
      },
      { mid: mic!.mid, sessionId: publisher, trackName: 'mic' },
    ])
    // The refused preference changed nothing: the pull keeps the preference it had (none).
    const micPull = sfu.registry.findSession(APP_ID, sessionId)!.records.find((r) => r.mid === mic!.mid)
    expect(micPull?.subscription?.preference).toEqual({})
  })

  // invalid_session_description: "the offer/answer order is wrong … Do not replay an answer after
  // its exchange has finished" (error-code page).
  it('refuses an answer replayed after its exchange finished as invalid_session_description', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'mic', kind: 'audio', tag: 2 }])
    const b = await pull(api, [{ sessionId: a.sessionId, trackName: 'mic' }])
    const res = await raw(sfu, 'PUT', `${base}/sessions/${b.sessionId}/renegotiate`, {
      body: JSON.stringify({ sessionDescription: { type: 'answer', sdp: b.pc.localDescription!.sdp } }),
    })
    expect({ status: res.status, errorCode: res.json.errorCode }).toEqual({
      status: 400,
      errorCode: 'invalid_session_description',
    })
    expect(b.pc.connectionState).toBe('connected')
    await Promise.all([a.close(), b.close()])
  })
})
