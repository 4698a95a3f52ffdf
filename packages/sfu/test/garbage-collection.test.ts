import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RunningSfu } from '../src/server.ts'
import { APP_ID, clientFor, raw, startTestSfu } from './helpers/sfu.ts'
import { clientPeer, connected, publish, pull } from './helpers/peer.ts'
import { waitFor } from './helpers/wait.ts'

/*
 * The collector judges idleness by `Date.now()`. Each test freezes that clock and moves it on by
 * hand, so what is collected depends only on what the peers sent between two moves, never on how
 * long a loaded machine took to run them (an 800 ms timeout once collected a track that was still
 * sending). The timeouts are production's: real time alone never reaches them in this file.
 */
const SESSION_IDLE_MS = 30_000
const TRACK_IDLE_MS = 30_000
/** Well inside either timeout: whatever is live gets a packet in between two moves. */
const STEP_MS = 10_000

let sfu: RunningSfu
beforeAll(async () => {
  sfu = await startTestSfu({ sessionIdleTimeoutMs: SESSION_IDLE_MS, trackIdleTimeoutMs: TRACK_IDLE_MS })
})
afterAll(() => sfu.close())
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
})
afterEach(() => {
  vi.useRealTimers()
})

/** A session whose peer must keep being heard from, or one of its published tracks that must keep receiving. */
type Live = { session: string; track?: string }

function lastHeard({ session, track }: Live): number {
  const live = sfu.registry.findSession(APP_ID, session)
  if (!live) throw new Error(`session ${session} was collected`)
  if (track === undefined) return live.lastInboundAt
  const published = live.published.get(track)
  if (!published) throw new Error(`track ${track} was collected`)
  return published.lastPacketAt ?? Number.NEGATIVE_INFINITY
}

/**
 * Moves the clock on by `ms` in steps of at most STEP_MS; after each step, waits until every `live`
 * thing has been heard from at the new time. Whatever went quiet falls behind by the whole `ms`.
 */
async function pass(ms: number, live: Live[] = []) {
  for (let left = ms; left > 0; left -= STEP_MS) {
    vi.setSystemTime(Date.now() + Math.min(STEP_MS, left))
    const now = Date.now()
    await waitFor(
      () => live.every((l) => lastHeard(l) >= now),
      () => `packets from ${JSON.stringify(live)} after the clock moved`,
    )
  }
}

const sessionStatus = async (sessionId: string) =>
  (await raw(sfu, 'GET', `/v1/apps/${APP_ID}/sessions/${sessionId}`)).status

describe('garbage collection', () => {
  it('expires a session that never connects once it has been idle longer than the timeout', async () => {
    const { sessionId } = await clientFor(sfu).newSession()
    await pass(SESSION_IDLE_MS)
    sfu.registry.sweep()
    expect(await sessionStatus(sessionId)).toBe(200)
    await pass(1)
    // The collector's own timer does it.
    await waitFor(async () => (await sessionStatus(sessionId)) === 410, 'the idle session to expire')
  })

  it('closes a vanished publisher: its pullers go inactive, the puller stays up, the server keeps serving', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'cam-video', kind: 'video', tag: 2 }])
    const b = await pull(api, [{ sessionId: a.sessionId, trackName: 'cam-video' }])
    const video = () => b.received.get(b.mids.get('cam-video')!)!
    await waitFor(() => video().seqs.length >= 5, 'B receiving video')

    // A disappears mid-stream without a word to the API; B goes on sending its receiver reports.
    for (const source of a.sources.values()) source.stop()
    await a.pc.close()
    await pass(2 * SESSION_IDLE_MS + STEP_MS, [{ session: b.sessionId }])
    await waitFor(async () => (await sessionStatus(a.sessionId)) === 410, "A's session to be collected")
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

  it('closes a published track that stops sending media, and not one that keeps sending', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [
      { name: 'mic', kind: 'audio', tag: 1 },
      { name: 'cam-video', kind: 'video', tag: 2 },
    ])
    const mic = sfu.registry.findPublished(APP_ID, a.sessionId, 'mic')!
    const cam = sfu.registry.findPublished(APP_ID, a.sessionId, 'cam-video')!
    await waitFor(() => mic.packetsReceived > 0 && cam.packetsReceived > 0, "A's media reaching the SFU")
    a.sources.get('cam-video')!.stop()
    // Both tracks share A's transport, in order: once more mic packets have arrived than A had sent
    // at the stop, no camera packet is still on its way to refresh the camera behind the clock.
    const micSentAtStop = a.sources.get('mic')!.sent
    await waitFor(() => mic.packetsReceived > micSentAtStop, 'a mic packet sent after the camera stopped')

    await pass(TRACK_IDLE_MS + STEP_MS, [{ session: a.sessionId, track: 'mic' }])
    const status = async () =>
      Object.fromEntries((await api.getSession(a.sessionId)).tracks.map((t) => [t.trackName, t.status]))
    await waitFor(async () => (await status())['cam-video'] === 'inactive', 'the silent track to be collected')
    // The sweep that closed the camera also judged the mic, whose last packet was at most a step old.
    expect((await status()).mic).toBe('active')
    await a.close()
  })

  it('keeps a silent sendrecv track as long as its session lives', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'mic', kind: 'audio', tag: 1 }])
    // A bidirectional track lives as long as its session, even while its peer only listens: here
    // the "AI" hears A's mic through it (so it sends receiver reports) but never speaks.
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

    await pass(3 * TRACK_IDLE_MS, [{ session: a.sessionId, track: 'mic' }, { session: sessionId }])
    // A sweep at the clock's new time, three track timeouts after the AI's track was made.
    sfu.registry.sweep()
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
    await pass(2 * SESSION_IDLE_MS + STEP_MS, [{ session: a.sessionId, track: 'cam-video' }])
    await waitFor(async () => (await sessionStatus(b.sessionId)) === 410, "B's session to be collected")
    const published = sfu.registry.findPublished(APP_ID, a.sessionId, 'cam-video')!
    expect(published.sinkCount).toBe(0)
    // A keeps publishing and a new puller gets the stream.
    const c = await pull(api, [{ sessionId: a.sessionId, trackName: 'cam-video' }])
    await waitFor(() => (c.received.get(c.mids.get('cam-video')!)?.seqs.length ?? 0) >= 5, 'C receiving')
    await c.close()
    await a.close()
  })
})
