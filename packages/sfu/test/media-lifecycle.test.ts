import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSfu } from '../src/server.ts'
import { clientFor, startTestSfu } from './helpers/sfu.ts'
import { publish, pull } from './helpers/peer.ts'
import { expectStopped, waitFor } from './helpers/wait.ts'

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
    // A keeps sending; B must not see it beyond what was already in flight.
    await expectStopped(
      () => video().seqs.length,
      () => a.sources.get('cam-video')!.sent,
      "A's closed video",
    )
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
    b.pc
      .getTransceivers()
      .find((t) => t.mid === audioMid)!
      .stop()
    await b.pc.setLocalDescription(await b.pc.createOffer())
    const closed = await api.closeTracks(b.sessionId, {
      tracks: [{ mid: audioMid }],
      force: false,
      sessionDescription: { type: 'offer', sdp: b.pc.localDescription!.sdp },
    })
    expect(closed.requiresImmediateRenegotiation).toBe(false)
    expect(closed.tracks).toEqual([{ mid: audioMid }])
    await b.pc.setRemoteDescription(closed.sessionDescription!)

    const videoAt = video().seqs.length
    await expectStopped(
      () => audio().seqs.length,
      () => a.sources.get('mic')!.sent,
      'the closed audio pull',
    )
    await waitFor(() => video().seqs.length >= videoAt + 15, 'video still flowing after the audio close')
    const state = await api.getSession(b.sessionId)
    expect(state.tracks.map((t) => [t.trackName, t.status])).toEqual([
      ['mic', 'inactive'],
      ['cam-video', 'active'],
    ])
    await b.close()
    await a.close()
  })
})

describe('re-pointing a pull (tracks/update)', () => {
  it('switches a video pull to another publisher at a keyframe, with continuous sequence numbers', async () => {
    const api = clientFor(sfu)
    const first = await publish(api, [{ name: 'cam-video', kind: 'video', tag: 21 }])
    const second = await publish(api, [{ name: 'cam-video', kind: 'video', tag: 22 }])
    const b = await pull(api, [{ sessionId: first.sessionId, trackName: 'cam-video' }])
    const mid = b.mids.get('cam-video')!
    const video = () => b.received.get(mid)!
    await waitFor(() => video().seqs.length >= 10, 'B receiving the first publisher')

    const keyframesBefore = second.sources.get('cam-video')!.keyframesSent
    const res = await api.updateTracks(b.sessionId, {
      tracks: [{ location: 'remote', sessionId: second.sessionId, trackName: 'cam-video', mid }],
    })
    expect(res.tracks).toEqual([{ mid, sessionId: second.sessionId, trackName: 'cam-video' }])
    await waitFor(() => video().tags.has(22), 'B receiving the second publisher')
    await waitFor(
      () => video().tagSeq.at(-1) === 22 && video().seqs.length > video().tagSeq.indexOf(22) + 5,
      'more of it',
    )
    // The SFU asked the new publisher for a keyframe, and the switch happened on it.
    expect(second.sources.get('cam-video')!.keyframesSent).toBeGreaterThan(keyframesBefore)
    const switchAt = video().tagSeq.indexOf(22)
    expect(video().keyframes[switchAt]).toBe(true)
    expect(
      video()
        .tagSeq.slice(switchAt)
        .every((tag) => tag === 22),
    ).toBe(true)
    const step = (i: number) => (video().seqs[i]! - video().seqs[i - 1]! + 0x10000) & 0xffff
    expect(step(switchAt)).toBe(1)
    await Promise.all([b.close(), first.close(), second.close()])
  })

  it('refuses to point a video pull at an audio track, and keeps forwarding what it had', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [
      { name: 'cam-video', kind: 'video', tag: 31 },
      { name: 'mic', kind: 'audio', tag: 32 },
    ])
    const b = await pull(api, [{ sessionId: a.sessionId, trackName: 'cam-video' }])
    const mid = b.mids.get('cam-video')!
    const video = () => b.received.get(mid)!
    await waitFor(() => video().seqs.length >= 5, 'B receiving video')

    const res = await api.updateTracks(b.sessionId, {
      tracks: [{ location: 'remote', sessionId: a.sessionId, trackName: 'mic', mid }],
    })
    expect(res.tracks).toEqual([
      expect.objectContaining({
        mid,
        errorCode: 'update_track_error',
        errorDescription: expect.stringMatching(/audio/),
      }),
    ])
    const before = video().seqs.length
    await waitFor(() => video().seqs.length > before + 5, 'B still receiving video')
    expect([...video().tags]).toEqual([31])
    await Promise.all([b.close(), a.close()])
  })
})

describe('SFU-side renegotiation', () => {
  it('answers a client re-offer on a live session', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'mic', kind: 'audio', tag: 1 }])
    const b = await pull(api, [{ sessionId: a.sessionId, trackName: 'mic' }])
    await waitFor(() => b.received.get(b.mids.get('mic')!)!.seqs.length >= 5, 'B receiving audio')

    // The client may re-offer: renegotiate answers it (an ICE restart: the next test).
    await b.pc.setLocalDescription(await b.pc.createOffer())
    const reoffer = await api.renegotiate(b.sessionId, {
      sessionDescription: { type: 'offer', sdp: b.pc.localDescription!.sdp },
    })
    expect(reoffer.sessionDescription?.type).toBe('answer')
    await b.pc.setRemoteDescription(reoffer.sessionDescription!)
    expect(b.pc.connectionState).toBe('connected')
    await b.close()
    await a.close()
  })

  it('answers an ICE restart with new ICE credentials of its own', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'mic', kind: 'audio', tag: 3 }])
    const b = await pull(api, [{ sessionId: a.sessionId, trackName: 'mic' }])
    const heard = () => b.received.get(b.mids.get('mic')!)!.seqs.length
    await waitFor(() => heard() >= 5, 'B receiving audio')

    const ice = (sdp: string) => ({
      ufrag: /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1],
      pwd: /^a=ice-pwd:(\S+)/m.exec(sdp)?.[1],
    })
    const clientBefore = ice(b.pc.localDescription!.sdp)
    const sfuBefore = ice(b.pc.remoteDescription!.sdp)
    expect(sfuBefore.ufrag).toBeDefined()
    await b.pc.setLocalDescription(await b.pc.createOffer({ iceRestart: true }))
    expect(ice(b.pc.localDescription!.sdp).ufrag).not.toBe(clientBefore.ufrag)
    const answer = await api.renegotiate(b.sessionId, {
      sessionDescription: { type: 'offer', sdp: b.pc.localDescription!.sdp },
    })
    expect(answer.sessionDescription?.type).toBe('answer')
    // RFC 8839 §4.4.1.1.1: the answer to a restart changes its ufrag and pwd too.
    const sfuAfter = ice(answer.sessionDescription!.sdp)
    expect(sfuAfter.ufrag).toBeDefined()
    expect(sfuAfter.ufrag).not.toBe(sfuBefore.ufrag)
    expect(sfuAfter.pwd).not.toBe(sfuBefore.pwd)
    // Media over the restarted transport is not asserted: between werift peers it does not resume
    // (README, "Not implemented"); browsers through partytracks make a new session instead.
    await Promise.all([b.close(), a.close()])
  })
})
