import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSfu } from '../src/server.ts'
import { APP_ID, clientFor, startTestSfu } from './helpers/sfu.ts'
import { clientPeer, SyntheticSource } from './helpers/peer.ts'
import { CallsApiError } from '@tangerine/contracts/calls/client'

/*
 * "Operations that require an established transport wait up to five seconds for connectivity
 * before timing out" (https://developers.cloudflare.com/realtime/sfu/platform/limits/,
 * "PeerConnection requirements"); the timeout is `session_error` with 425: "finish setup and wait
 * for connection before later operations"
 * (https://developers.cloudflare.com/realtime/sfu/observability/error-codes/).
 *
 * The wait is `transportWaitMs` (5 s by default, as data-channels.test.ts's 425 case runs it): a
 * long one here, so a slow DTLS handshake on a loaded machine still lands inside it, and a short
 * one for the deadline.
 */

let patient: RunningSfu
let hasty: RunningSfu
beforeAll(async () => {
  patient = await startTestSfu({ transportWaitMs: 60_000 })
  hasty = await startTestSfu({ transportWaitMs: 1_500 })
})
afterAll(async () => {
  await patient.close()
  await hasty.close()
})

/**
 * A session whose push the SFU has answered, so its transport is negotiated at the SFU, while the
 * client holds the answer back: nothing can connect until it applies it.
 */
async function answeredPush(sfu: RunningSfu) {
  const api = clientFor(sfu)
  const pc = clientPeer()
  const source = new SyntheticSource('audio', 4)
  const transceiver = pc.addTransceiver(source.track, { direction: 'sendonly' })
  await pc.setLocalDescription(await pc.createOffer())
  const { sessionId } = await api.newSession()
  const pushed = await api.newTracks(sessionId, {
    sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
    tracks: [{ location: 'local', trackName: 'mic', mid: transceiver.mid! }],
  })
  const session = sfu.registry.findSession(APP_ID, sessionId)!
  return { api, pc, sessionId, session, answer: pushed.sessionDescription! }
}

describe('operations on a session whose transport has not connected', () => {
  it('wait for the transport, then answer once it connects', async () => {
    const { api, pc, sessionId, session, answer } = await answeredPush(patient)
    let connectedWhenAnswered: boolean | undefined
    const pending = api
      .newTracks(sessionId, { tracks: [{ location: 'remote', sessionId, trackName: 'mic' }] })
      .then((res) => {
        connectedWhenAnswered = session.connected
        return res
      })
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(connectedWhenAnswered).toBeUndefined()
    expect(session.connected).toBe(false)
    await pc.setRemoteDescription(answer)
    const pulled = await pending
    expect(connectedWhenAnswered).toBe(true)
    expect(pulled.requiresImmediateRenegotiation).toBe(true)
    expect(pulled.tracks).toEqual([{ sessionId, trackName: 'mic', mid: expect.any(String) }])
    await pc.close()
  })

  it('fail with 425 session_error after the wait, changing nothing', async () => {
    const { api, pc, sessionId } = await answeredPush(hasty)
    // The client goes away with the answer: no ICE check will ever come.
    await pc.close()
    const refusals: unknown[] = []
    const started = performance.now()
    for (const call of [
      () => api.newTracks(sessionId, { tracks: [{ location: 'remote', sessionId, trackName: 'mic' }] }),
      () => api.newTracks(sessionId, { tracks: [{ location: 'local', trackName: 'cam', kind: 'video' }] }),
      () => api.updateTracks(sessionId, { tracks: [{ location: 'remote', mid: '0', sessionId, trackName: 'mic' }] }),
    ]) {
      refusals.push(
        await call().then(
          () => 'answered',
          (err: unknown) => err,
        ),
      )
    }
    const elapsed = performance.now() - started
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(CallsApiError)
      expect(refusal).toMatchObject({ status: 425, errorCode: 'session_error' })
    }
    // Each waited its 1.5 s.
    expect(elapsed).toBeGreaterThanOrEqual(3 * 1_500 - 50)
    expect((await api.getSession(sessionId)).tracks).toEqual([
      { location: 'local', mid: expect.any(String), trackName: 'mic', status: 'initializing' },
    ])
  })
})
