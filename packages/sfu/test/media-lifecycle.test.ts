import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSfu } from '../src/server.ts'
import { clientFor, startTestSfu } from './helpers/sfu.ts'
import { publish, pull } from './helpers/peer.ts'
import { waitFor } from './helpers/wait.ts'

let sfu: RunningSfu
beforeAll(async () => {
  sfu = await startTestSfu()
})
afterAll(() => sfu.close())

describe('track lifecycle on live sessions', () => {
  it("stops B's stream when A closes its track", async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'cam-video', kind: 'video', tag: 2 }])
    const b = await pull(api, [{ sessionId: a.sessionId, trackName: 'cam-video' }])
    const video = () => b.received.get(b.mids.get('cam-video')!)!
    await waitFor(() => video().seqs.length >= 5, 'B receiving video')

    await api.closeTracks(a.sessionId, { tracks: [{ mid: a.transceivers.get('cam-video')!.mid! }], force: true })
    const atClose = video().seqs.length
    const sentAtClose = a.sources.get('cam-video')!.sent
    // A keeps sending; B must not see it beyond what was already in flight.
    await waitFor(() => a.sources.get('cam-video')!.sent >= sentAtClose + 20, 'A sending 20 more packets')
    expect(video().seqs.length).toBeLessThanOrEqual(atClose + 2)
    const state = await api.getSession(b.sessionId)
    expect(state.tracks).toEqual([expect.objectContaining({ trackName: 'cam-video', status: 'inactive' })])
    // A pull of the closed track is now an item error.
    const again = await api.newTracks(b.sessionId, {
      tracks: [{ location: 'remote', sessionId: a.sessionId, trackName: 'cam-video' }],
    })
    expect(again.tracks?.[0]?.errorCode).toBe('not_found_track_error')
    await b.close()
    await a.close()
  })

  it('adds and removes pulled tracks by renegotiating a live session', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [
      { name: 'mic', kind: 'audio', tag: 1 },
      { name: 'cam-video', kind: 'video', tag: 2 },
    ])
    const b = await pull(api, [{ sessionId: a.sessionId, trackName: 'mic' }])
    const audio = () => b.received.get(b.mids.get('mic')!)!
    await waitFor(() => audio().seqs.length >= 5, 'B receiving audio')

    // Add: a second pull on the same, connected session.
    await pull(api, [{ sessionId: a.sessionId, trackName: 'cam-video' }], b)
    const video = () => b.received.get(b.mids.get('cam-video')!)!
    await waitFor(() => video().seqs.length >= 5, 'B receiving video after renegotiation')
    expect([...video().tags]).toEqual([2])

    // Remove, the partytracks way: stop the transceiver, offer, tracks/close without force.
    const audioMid = b.mids.get('mic')!
    b.pc.getTransceivers().find((t) => t.mid === audioMid)!.stop()
    await b.pc.setLocalDescription(await b.pc.createOffer())
    const closed = await api.closeTracks(b.sessionId, {
      tracks: [{ mid: audioMid }],
      force: false,
      sessionDescription: { type: 'offer', sdp: b.pc.localDescription!.sdp },
    })
    expect(closed.requiresImmediateRenegotiation).toBe(false)
    expect(closed.tracks).toEqual([{ mid: audioMid }])
    await b.pc.setRemoteDescription(closed.sessionDescription!)

    const audioAt = audio().seqs.length
    const videoAt = video().seqs.length
    await waitFor(() => video().seqs.length >= videoAt + 15, 'video still flowing after the audio close')
    expect(audio().seqs.length).toBeLessThanOrEqual(audioAt + 2)
    const state = await api.getSession(b.sessionId)
    expect(state.tracks.map((t) => [t.trackName, t.status])).toEqual([
      ['mic', 'inactive'],
      ['cam-video', 'active'],
    ])
    await b.close()
    await a.close()
  })
})
