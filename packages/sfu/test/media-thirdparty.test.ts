import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CallsApiError } from '@tangerine/contracts/calls/client'
import type { RunningSfu } from '../src/server.ts'
import { clientFor, startTestSfu } from './helpers/sfu.ts'
import { clientPeer, connected, publish, pull, recordInto, SyntheticSource, type Received } from './helpers/peer.ts'
import { waitFor } from './helpers/wait.ts'

/** Forward steps of 1 (2–3 only if loopback dropped a packet), across 16-bit wrap. */
function expectContinuous(seqs: number[]) {
  for (let i = 1; i < seqs.length; i++) {
    const step = (seqs[i]! - seqs[i - 1]! + 0x10000) & 0xffff
    expect(step).toBeGreaterThanOrEqual(1)
    expect(step).toBeLessThanOrEqual(3)
  }
}

let sfu: RunningSfu
beforeAll(async () => {
  sfu = await startTestSfu()
})
afterAll(() => sfu.close())

describe('third-party session (the Orange AI flow)', () => {
  it('gets a server-made offer a werift peer answers, and pulls into the sendrecv transceiver without SDP', async () => {
    const api = clientFor(sfu, '') // Orange calls the API without /v1.
    const { sessionId: aiSession } = await api.newSession({ thirdparty: true, correlationId: 'meeting-1' })
    const offered = await api.newTracks(aiSession, {
      tracks: [{ location: 'local', trackName: 'ai-generated-voice', bidirectionalMediaStream: true, kind: 'audio' }],
    })
    expect(offered.requiresImmediateRenegotiation).toBe(true)
    const aiMid = offered.tracks![0]!.mid!

    // The "OpenAI" peer: ICE-lite like the real one; answers the offer and speaks on
    // the same sendrecv transceiver.
    const ai = clientPeer({ iceLite: true })
    await ai.setRemoteDescription(offered.sessionDescription!)
    const aiTransceiver = ai.getTransceivers().find((t) => t.mid === aiMid)!
    const voice = new SyntheticSource('audio', 5)
    aiTransceiver.setDirection('sendrecv')
    await aiTransceiver.sender.replaceTrack(voice.track)
    const heard = new Map<string, Received>()
    recordInto(aiTransceiver, heard, aiMid)
    await ai.setLocalDescription(await ai.createAnswer())
    expect(ai.localDescription!.sdp).toMatch(/a=sendrecv/)
    expect(ai.localDescription!.sdp).toMatch(/^a=ice-lite\r?$/m)
    await api.renegotiate(aiSession, { sessionDescription: { type: 'answer', sdp: ai.localDescription!.sdp } })
    await connected(ai, 'AI peer connected')
    voice.start(20, 120)

    // Participants pull the AI voice like any remote track.
    const listener = await pull(api, [{ sessionId: aiSession, trackName: 'ai-generated-voice' }])
    const aiVoice = () => listener.received.get(listener.mids.get('ai-generated-voice')!)!
    await waitFor(() => aiVoice().seqs.length >= 10, 'listener hearing the AI')
    expect([...aiVoice().tags]).toEqual([5])

    // A user takes control: their mic goes to the AI through the existing transceiver.
    const user = await publish(api, [{ name: 'mic', kind: 'audio', tag: 7 }])
    const sdpBefore = ai.remoteDescription!.sdp
    const control = await api.newTracks(aiSession, {
      tracks: [{ location: 'remote', sessionId: user.sessionId, trackName: 'mic', mid: '#ai-generated-voice' }],
    })
    expect(control.requiresImmediateRenegotiation).toBe(false)
    expect(control.sessionDescription).toBeUndefined()
    expect(control.tracks).toEqual([{ sessionId: user.sessionId, trackName: 'mic', mid: aiMid }])
    await waitFor(() => (heard.get(aiMid)?.seqs.length ?? 0) >= 10, 'AI peer receiving the user mic')
    expect([...heard.get(aiMid)!.tags]).toEqual([7])
    expect(ai.remoteDescription!.sdp).toBe(sdpBefore)
    expectContinuous(heard.get(aiMid)!.seqs)

    // A second user takes over: same transceiver, continuous sequence numbers.
    const other = await publish(api, [{ name: 'mic', kind: 'audio', tag: 8 }])
    await api.newTracks(aiSession, {
      tracks: [{ location: 'remote', sessionId: other.sessionId, trackName: 'mic', mid: '#ai-generated-voice' }],
    })
    await waitFor(() => heard.get(aiMid)!.tags.has(8), 'AI peer receiving the second user')
    const seqs = heard.get(aiMid)!.seqs
    const switchAt = heard.get(aiMid)!.counters.length
    await waitFor(() => heard.get(aiMid)!.seqs.length >= switchAt + 5, 'more of the second user')
    // The switch of source is invisible downstream: no jump, no step back.
    expectContinuous(seqs)
    // Session state names the pull on the bidirectional mid.
    const state = await api.getSession(aiSession)
    expect(state.tracks.filter((t) => t.status === 'active').map((t) => [t.location, t.trackName, t.mid])).toEqual([
      ['local', 'ai-generated-voice', aiMid],
      ['remote', 'mic', aiMid],
    ])

    voice.stop()
    await Promise.all([listener.close(), user.close(), other.close(), ai.close()])
  })

  it('is what lets an ICE-lite peer connect: an ordinary session refuses it and stays as it was', async () => {
    const api = clientFor(sfu)
    // Calls is ICE-lite outside third-party sessions, and two ICE-lite agents never connect.
    const { sessionId } = await api.newSession()
    const offered = await api.newTracks(sessionId, {
      tracks: [{ location: 'local', trackName: 'ai-generated-voice', bidirectionalMediaStream: true, kind: 'audio' }],
    })
    const lite = clientPeer({ iceLite: true })
    await lite.setRemoteDescription(offered.sessionDescription!)
    await lite.setLocalDescription(await lite.createAnswer())
    const refused = await api
      .renegotiate(sessionId, { sessionDescription: { type: 'answer', sdp: lite.localDescription!.sdp } })
      .catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(CallsApiError)
    expect(refused).toMatchObject({ status: 400, errorCode: 'invalid_session_description' })
    expect((refused as Error).message).toMatch(/thirdparty=true/)
    // Refused before anything changed: the SFU offer still waits for an answer.
    const again = await api
      .newTracks(sessionId, { tracks: [{ location: 'local', trackName: 'x', kind: 'audio' }] })
      .catch((err: unknown) => err)
    expect(again).toMatchObject({ status: 406, errorCode: 'invalid_params' })
    expect(await api.getSession(sessionId)).toMatchObject({
      tracks: [{ location: 'local', trackName: 'ai-generated-voice', status: 'initializing' }],
    })
    await lite.close()

    // The same ICE-lite peer offering to an ordinary session is refused too.
    const offerer = clientPeer({ iceLite: true })
    offerer.addTransceiver('audio', { direction: 'sendonly' })
    await offerer.setLocalDescription(await offerer.createOffer())
    const { sessionId: other } = await api.newSession()
    await expect(
      api.newTracks(other, {
        sessionDescription: { type: 'offer', sdp: offerer.localDescription!.sdp },
        tracks: [{ location: 'local', trackName: 'mic', mid: offerer.getTransceivers()[0]!.mid! }],
      }),
    ).rejects.toMatchObject({ status: 400, errorCode: 'invalid_session_description' })
    await offerer.close()
  })
})
