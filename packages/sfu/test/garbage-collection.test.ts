import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSfu } from '../src/server.ts'
import { APP_ID, clientFor, raw, startTestSfu } from './helpers/sfu.ts'
import { clientPeer, connected, publish, pull } from './helpers/peer.ts'
import { waitFor } from './helpers/wait.ts'

// Short timeouts stand in for the production 30 s.
const SESSION_IDLE_MS = 1500
const TRACK_IDLE_MS = 800

let sfu: RunningSfu
beforeAll(async () => {
  sfu = await startTestSfu({ sessionIdleTimeoutMs: SESSION_IDLE_MS, trackIdleTimeoutMs: TRACK_IDLE_MS })
})
afterAll(() => sfu.close())

const sessionStatus = async (sessionId: string) =>
  (await raw(sfu, 'GET', `/v1/apps/${APP_ID}/sessions/${sessionId}`)).status

describe('garbage collection', () => {
  it('expires a session that never connects', async () => {
    const { sessionId } = await clientFor(sfu).newSession()
    expect(await sessionStatus(sessionId)).toBe(200)
    await waitFor(async () => (await sessionStatus(sessionId)) === 410, 'the idle session to expire', 5_000)
  })

  it('closes a vanished publisher: its pullers go inactive, the puller stays up, the server keeps serving', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'cam-video', kind: 'video', tag: 2 }])
    const b = await pull(api, [{ sessionId: a.sessionId, trackName: 'cam-video' }])
    const video = () => b.received.get(b.mids.get('cam-video')!)!
    await waitFor(() => video().seqs.length >= 5, 'B receiving video')

    // A disappears mid-stream without a word to the API.
    for (const source of a.sources.values()) source.stop()
    await a.pc.close()
    await waitFor(async () => (await sessionStatus(a.sessionId)) === 410, "A's session to be collected", 5_000)
    const state = await api.getSession(b.sessionId)
    expect(state.tracks).toEqual([expect.objectContaining({ trackName: 'cam-video', status: 'inactive' })])
    expect(b.pc.connectionState).toBe('connected')

    // Business as usual for everyone else.
    const c = await publish(api, [{ name: 'mic', kind: 'audio', tag: 4 }])
    await pull(api, [{ sessionId: c.sessionId, trackName: 'mic' }], b)
    await waitFor(() => (b.received.get(b.mids.get('mic')!)?.seqs.length ?? 0) >= 5, 'B receiving a new publisher')
    await b.close()
    await c.close()
  })

  it('closes a published track that stops sending media, but not a silent sendrecv one', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [
      { name: 'mic', kind: 'audio', tag: 1 },
      { name: 'cam-video', kind: 'video', tag: 2 },
    ])
    a.sources.get('cam-video')!.stop()
    const status = async () =>
      Object.fromEntries((await api.getSession(a.sessionId)).tracks.map((t) => [t.trackName, t.status]))
    await waitFor(async () => (await status())['cam-video'] === 'inactive', 'the silent track to be collected', 5_000)
    expect((await status()).mic).toBe('active')

    // A bidirectional track lives as long as its session, even while its peer only
    // listens: here the "AI" hears A's mic through it (so it sends receiver reports)
    // but never speaks.
    const { sessionId } = await api.newSession({ thirdparty: true })
    const offered = await api.newTracks(sessionId, {
      tracks: [{ location: 'local', trackName: 'ai-generated-voice', kind: 'audio', bidirectionalMediaStream: true }],
    })
    const ai = clientPeer()
    await ai.setRemoteDescription(offered.sessionDescription!)
    await ai.setLocalDescription(await ai.createAnswer())
    await api.renegotiate(sessionId, { sessionDescription: { type: 'answer', sdp: ai.localDescription!.sdp } })
    await connected(ai)
    await api.newTracks(sessionId, {
      tracks: [{ location: 'remote', sessionId: a.sessionId, trackName: 'mic', mid: '#ai-generated-voice' }],
    })
    // Outlive the track timeout by a margin, measured by A's live mic still flowing.
    const sent = a.sources.get('mic')!.sent
    await waitFor(() => a.sources.get('mic')!.sent > sent + (3 * TRACK_IDLE_MS) / 20, 'three track timeouts to pass')
    const aiTracks = (await api.getSession(sessionId)).tracks
    expect(aiTracks.map((t) => [t.trackName, t.status])).toEqual([
      ['ai-generated-voice', 'active'],
      ['mic', 'active'],
    ])
    await ai.close()
    await a.close()
  })

  it('survives a puller that vanishes mid-stream', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'cam-video', kind: 'video', tag: 2 }])
    const b = await pull(api, [{ sessionId: a.sessionId, trackName: 'cam-video' }])
    await waitFor(() => (b.received.get(b.mids.get('cam-video')!)?.seqs.length ?? 0) >= 5, 'B receiving')
    await b.pc.close()
    await waitFor(async () => (await sessionStatus(b.sessionId)) === 410, "B's session to be collected", 5_000)
    const published = sfu.registry.findPublished(APP_ID, a.sessionId, 'cam-video')!
    expect(published.sinkCount).toBe(0)
    // A keeps publishing and a new puller gets the stream.
    const c = await pull(api, [{ sessionId: a.sessionId, trackName: 'cam-video' }])
    await waitFor(() => (c.received.get(c.mids.get('cam-video')!)?.seqs.length ?? 0) >= 5, 'C receiving')
    await c.close()
    await a.close()
  })
})
