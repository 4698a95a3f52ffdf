import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSfu } from '../src/server.ts'
import { APP_ID, clientFor, raw, sessionIds, startTestSfu } from './helpers/sfu.ts'
import { clientPeer, publish, SyntheticSource } from './helpers/peer.ts'
import { CallsApiError } from '@tangerine/contracts/calls/client'
import { GetSessionResponse, NewSessionResponse, TracksResponse } from '@tangerine/contracts/calls/api'

let sfu: RunningSfu
beforeAll(async () => {
  sfu = await startTestSfu({ maxBodyBytes: 16 * 1024 })
})
afterAll(() => sfu.close())

const base = `/v1/apps/${APP_ID}`

/** A client offer pushing one audio track, made by a werift peer. */
async function audioOffer() {
  const pc = clientPeer()
  const source = new SyntheticSource('audio', 9)
  const transceiver = pc.addTransceiver(source.track, { direction: 'sendonly' })
  await pc.setLocalDescription(await pc.createOffer())
  return { pc, sdp: pc.localDescription!.sdp, mid: transceiver.mid! }
}

describe('sessions/new', () => {
  it('answers 201 with a 32-hex sessionId, with and without /v1, with no body and no Content-Type', async () => {
    for (const path of [`${base}/sessions/new`, `/apps/${APP_ID}/sessions/new?correlationId=m1&extra=1`]) {
      const res = await raw(sfu, 'POST', path)
      expect(res.status).toBe(201)
      expect(res.headers.get('content-type')).toMatch(/application\/json/)
      expect(res.headers.get('vary')).toBe('Origin')
      expect(NewSessionResponse.parse(res.json).sessionId).toMatch(/^[0-9a-f]{32}$/)
    }
  })

  it('answers a legacy first offer with an answer', async () => {
    const { pc, sdp } = await audioOffer()
    const res = await raw(sfu, 'POST', `${base}/sessions/new`, {
      body: JSON.stringify({ sessionDescription: { type: 'offer', sdp } }),
    })
    expect(res.status).toBe(201)
    const body = NewSessionResponse.parse(res.json)
    expect(body.sessionDescription?.type).toBe('answer')
    expect(body.sessionDescription?.sdp).toMatch(/a=candidate:.* 127\.0\.0\.1 \d+ typ host/)
    await pc.close()
  })

  it('allows CORS preflight and echoes the Origin', async () => {
    const res = await raw(sfu, 'OPTIONS', `${base}/sessions/new`, {
      secret: null,
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Headers': 'authorization' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization')
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT')
  })
})

describe('errors', () => {
  it('rejects a wrong or missing secret with 401 unauthorized, creating nothing', async () => {
    const before = sessionIds(sfu)
    for (const secret of ['nope', null, 'other-secret']) {
      const res = await raw(sfu, 'POST', `${base}/sessions/new`, { secret })
      expect(res.status).toBe(401)
      expect(res.json).toEqual({ errorCode: 'unauthorized', errorDescription: expect.any(String) })
    }
    expect(sessionIds(sfu).filter((id) => !before.includes(id))).toEqual([])
  })

  it('answers 404 not_found for an unknown app and an unknown route', async () => {
    const app = await raw(sfu, 'POST', '/v1/apps/missing/sessions/new')
    expect(app.status).toBe(404)
    expect(app.json.errorCode).toBe('not_found')
    const route = await raw(sfu, 'GET', '/v1/nothing-here')
    expect(route.status).toBe(404)
    expect(route.json.errorCode).toBe('not_found')
  })

  // https://developers.cloudflare.com/realtime/sfu/observability/error-codes/: session_error comes
  // with 425 (still connecting) or 410 ("check the session ID"); an unknown id is the latter.
  it('answers 410 session_error for an unknown session, and for a session of another app', async () => {
    const res = await raw(sfu, 'GET', `${base}/sessions/0123456789abcdef0123456789abcdef`)
    expect(res.status).toBe(410)
    expect(res.json.errorCode).toBe('session_error')
    const put = await raw(sfu, 'PUT', `${base}/sessions/0123456789abcdef0123456789abcdef/tracks/close`, {
      body: JSON.stringify({ tracks: [{ mid: '0' }], force: true }),
    })
    expect({ status: put.status, errorCode: put.json.errorCode }).toEqual({ status: 410, errorCode: 'session_error' })
    const other = await raw(sfu, 'POST', '/v1/apps/other-app/sessions/new', { secret: 'other-secret' })
    const cross = await raw(sfu, 'GET', `${base}/sessions/${other.json.sessionId as string}`)
    expect(cross.status).toBe(410)
  })

  it('rejects bad bodies with the spec shape and changes nothing', async () => {
    const { sessionId } = await clientFor(sfu).newSession()
    const tracksNew = `${base}/sessions/${sessionId}/tracks/new`
    const cases: Array<[string, number, string]> = [
      ['{not json', 400, 'decoding_error'],
      [JSON.stringify({ tracks: 'nope' }), 400, 'decoding_error'],
      [JSON.stringify({ tracks: [] }), 406, 'invalid_params'],
      [
        JSON.stringify({
          tracks: Array.from({ length: 65 }, (_, i) => ({ location: 'remote', sessionId, trackName: `t${i}` })),
        }),
        406,
        'invalid_params',
      ],
      [
        JSON.stringify({
          tracks: [
            { location: 'local', trackName: 'a', kind: 'audio' },
            { location: 'remote', trackName: 'b', sessionId },
          ],
        }),
        406,
        'invalid_params',
      ],
      [JSON.stringify({ tracks: [{ location: 'local', trackName: 'a' }] }), 406, 'invalid_params'],
      [
        JSON.stringify({
          sessionDescription: { type: 'offer', sdp: 'hello' },
          tracks: [{ location: 'local', trackName: 'a', mid: '0' }],
        }),
        400,
        'invalid_session_description',
      ],
      [
        JSON.stringify({
          sessionDescription: { type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio x\r\n' },
          tracks: [{ location: 'local', trackName: 'a', mid: '0' }],
        }),
        400,
        'invalid_session_description',
      ],
      ['x'.repeat(17 * 1024), 413, 'payload_too_large'],
    ]
    for (const [body, status, errorCode] of cases) {
      const res = await raw(sfu, 'POST', tracksNew, { body })
      expect({ status: res.status, errorCode: res.json.errorCode }).toEqual({ status, errorCode })
      expect(typeof res.json.errorDescription).toBe('string')
    }
    const state = await clientFor(sfu).getSession(sessionId)
    expect(state.tracks).toEqual([])
    // The session still works after all of that.
    const { pc, sdp, mid } = await audioOffer()
    const ok = await clientFor(sfu).newTracks(sessionId, {
      sessionDescription: { type: 'offer', sdp },
      tracks: [{ location: 'local', trackName: 'a', mid }],
    })
    expect(ok.sessionDescription?.type).toBe('answer')
    await pc.close()
  })

  it('returns 410 session_error once a session is closed', async () => {
    const { sessionId } = await clientFor(sfu).newSession()
    const session = sfu.registry.get(APP_ID, sessionId)
    session.close('test')
    const res = await raw(sfu, 'GET', `${base}/sessions/${sessionId}`)
    expect(res.status).toBe(410)
    expect(res.json.errorCode).toBe('session_error')
  })
})

describe('tracks', () => {
  it('pushes with an offer: answer, echoed trackName and mid, unknown fields tolerated', async () => {
    const { sessionId } = await clientFor(sfu).newSession()
    const { pc, sdp, mid } = await audioOffer()
    const res = await raw(sfu, 'POST', `${base}/sessions/${sessionId}/tracks/new?apiExtra=1`, {
      body: JSON.stringify({
        sessionDescription: { type: 'offer', sdp, extra: true },
        tracks: [{ location: 'local', trackName: 'mic', mid, futureField: 1 }],
        somethingNew: 'ignored',
      }),
    })
    expect(res.status).toBe(200)
    const body = TracksResponse.parse(res.json)
    expect(body.requiresImmediateRenegotiation).toBe(false)
    expect(body.sessionDescription?.type).toBe('answer')
    expect(body.tracks).toEqual([{ trackName: 'mic', mid }])
    const state = GetSessionResponse.parse((await raw(sfu, 'GET', `${base}/sessions/${sessionId}`)).json)
    expect(state).toEqual({
      tracks: [{ location: 'local', mid, trackName: 'mic', status: 'initializing' }],
      dataChannels: [],
    })
    await pc.close()
  })

  it('reports repeated local track names per item with HTTP 200', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'mic', kind: 'audio', tag: 1 }])
    // The same offer again, as a re-offer of the unchanged session, claiming the same name.
    const again = await raw(sfu, 'POST', `${base}/sessions/${a.sessionId}/tracks/new`, {
      body: JSON.stringify({
        sessionDescription: { type: 'offer', sdp: a.pc.localDescription!.sdp },
        tracks: [{ location: 'local', trackName: 'mic', mid: a.transceivers.get('mic')!.mid }],
      }),
    })
    expect(again.status).toBe(200)
    expect((again.json.tracks as Array<Record<string, unknown>>)[0]?.errorCode).toBe('repeated_local_track_error')
    await a.close()
  })

  it('pulls: an SFU offer needing renegotiation, echoing sessionId, trackName and mid; unknown tracks are item errors', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'mic', kind: 'audio', tag: 1 }])
    const { sessionId } = await api.newSession()
    const res = await api.newTracks(sessionId, {
      tracks: [
        { location: 'remote', sessionId: a.sessionId, trackName: 'mic' },
        { location: 'remote', sessionId: a.sessionId, trackName: 'nope' },
      ],
    })
    expect(res.requiresImmediateRenegotiation).toBe(true)
    expect(res.sessionDescription?.type).toBe('offer')
    expect(res.sessionDescription?.sdp).toMatch(/a=sendonly/)
    expect(res.sessionDescription?.sdp).toMatch(/opus\/48000/)
    expect(res.tracks?.[0]).toEqual({ sessionId: a.sessionId, trackName: 'mic', mid: expect.stringMatching(/.+/) })
    expect(res.tracks?.[1]).toEqual({
      sessionId: a.sessionId,
      trackName: 'nope',
      mid: '',
      errorCode: 'not_found_track_error',
      errorDescription: expect.any(String),
    })
    // Anything but the answer is refused while the SFU offer is pending.
    const blocked = await raw(sfu, 'POST', `${base}/sessions/${sessionId}/tracks/new`, {
      body: JSON.stringify({ tracks: [{ location: 'remote', sessionId: a.sessionId, trackName: 'mic' }] }),
    })
    expect(blocked.status).toBe(406)
    // Answering: renegotiate answers `{}`, never an empty body.
    const pc = clientPeer()
    await pc.setRemoteDescription(res.sessionDescription!)
    await pc.setLocalDescription(await pc.createAnswer())
    const reneg = await raw(sfu, 'PUT', `${base}/sessions/${sessionId}/renegotiate`, {
      body: JSON.stringify({ sessionDescription: { type: 'answer', sdp: pc.localDescription!.sdp } }),
    })
    expect(reneg.status).toBe(200)
    expect(reneg.text).toBe('{}')
    // A second answer has no offer to answer: out of order, invalid_session_description
    // (https://developers.cloudflare.com/realtime/sfu/observability/error-codes/).
    const twice = await raw(sfu, 'PUT', `${base}/sessions/${sessionId}/renegotiate`, {
      body: JSON.stringify({ sessionDescription: { type: 'answer', sdp: pc.localDescription!.sdp } }),
    })
    expect({ status: twice.status, errorCode: twice.json.errorCode }).toEqual({
      status: 400,
      errorCode: 'invalid_session_description',
    })
    await pc.close()
    await a.close()
  })

  it("offers pulls under the payload types the puller's session already uses", async () => {
    const api = clientFor(sfu)
    // The test peers map Opus to 109 and VP8 to 120, unlike the SFU's defaults (111, 96).
    const a = await publish(api, [
      { name: 'mic', kind: 'audio', tag: 1 },
      { name: 'cam-video', kind: 'video', tag: 2 },
    ])
    const b = await publish(api, [{ name: 'b-mic', kind: 'audio', tag: 3 }])
    const res = await api.newTracks(b.sessionId, {
      tracks: [
        { location: 'remote', sessionId: a.sessionId, trackName: 'mic' },
        { location: 'remote', sessionId: a.sessionId, trackName: 'cam-video' },
      ],
    })
    const sdp = res.sessionDescription!.sdp
    expect(sdp).toMatch(/a=rtpmap:109 opus\/48000\/2/)
    expect(sdp).toMatch(/a=rtpmap:120 VP8\/90000/)
    expect(sdp).not.toMatch(/a=rtpmap:111 /)
    // Only the publisher's codec is offered, so the puller cannot pick another.
    expect(sdp).not.toMatch(/H264|VP9|AV1/)
    await b.close()
    await a.close()
  })

  it('makes the offer for a local push with kind (bidirectional → sendrecv)', async () => {
    const api = clientFor(sfu)
    const { sessionId } = await api.newSession({ thirdparty: true })
    const res = await api.newTracks(sessionId, {
      tracks: [{ location: 'local', trackName: 'ai-generated-voice', kind: 'audio', bidirectionalMediaStream: true }],
    })
    expect(res.requiresImmediateRenegotiation).toBe(true)
    expect(res.sessionDescription?.type).toBe('offer')
    expect(res.sessionDescription?.sdp).toMatch(/a=sendrecv/)
    expect(res.tracks).toEqual([{ trackName: 'ai-generated-voice', mid: '0' }])
  })

  it('names new m-sections with autoDiscover', async () => {
    const api = clientFor(sfu)
    const { sessionId } = await api.newSession()
    const { pc, sdp, mid } = await audioOffer()
    const res = await api.newTracks(sessionId, { sessionDescription: { type: 'offer', sdp }, autoDiscover: true })
    expect(res.tracks).toEqual([{ trackName: expect.stringMatching(/^[0-9a-f]{32}$/), mid }])
    await pc.close()
  })

  it('closes tracks: force without SDP, errors for unknown mids, inactive afterwards', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'mic', kind: 'audio', tag: 1 }])
    const mid = a.transceivers.get('mic')!.mid!
    const res = await api.closeTracks(a.sessionId, { tracks: [{ mid }, { mid: '99' }], force: true })
    expect(res.tracks).toEqual([
      { mid },
      { mid: '99', errorCode: 'close_track_error', errorDescription: "Track doesn't exist or was already closed" },
    ])
    expect(res.sessionDescription).toBeUndefined()
    const state = await api.getSession(a.sessionId)
    expect(state.tracks).toEqual([{ location: 'local', mid, trackName: 'mic', status: 'inactive' }])
    const missing = await raw(sfu, 'PUT', `${base}/sessions/${a.sessionId}/tracks/close`, {
      body: JSON.stringify({ tracks: [], force: true }),
    })
    expect(missing.status).toBe(406)
    await a.close()
  })

  it('updates a pulled mid to another publication; unknown mids are update_track_error', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [
      { name: 'one', kind: 'audio', tag: 1 },
      { name: 'two', kind: 'audio', tag: 2 },
    ])
    const { sessionId } = await api.newSession()
    const pulled = await api.newTracks(sessionId, {
      tracks: [{ location: 'remote', sessionId: a.sessionId, trackName: 'one' }],
    })
    const mid = pulled.tracks![0]!.mid!
    const res = await api.updateTracks(sessionId, {
      tracks: [
        { location: 'remote', sessionId: a.sessionId, trackName: 'two', mid },
        { location: 'remote', sessionId: a.sessionId, trackName: 'two', mid: '42' },
      ],
    })
    expect(res.requiresImmediateRenegotiation).toBe(false)
    expect(res.tracks?.[0]).toEqual({ mid, sessionId: a.sessionId, trackName: 'two' })
    expect(res.tracks?.[1]?.errorCode).toBe('update_track_error')
    const state = await api.getSession(sessionId)
    expect(state.tracks).toEqual([
      { location: 'remote', mid, trackName: 'two', sessionId: a.sessionId, status: 'initializing' },
    ])
    await a.close()
  })

  it('the typed client surfaces errors as CallsApiError', async () => {
    const api = clientFor(sfu, '')
    await expect(api.getSession('f'.repeat(32))).rejects.toMatchObject({ status: 410, errorCode: 'session_error' })
    await expect(api.getSession('f'.repeat(32))).rejects.toBeInstanceOf(CallsApiError)
  })
})
