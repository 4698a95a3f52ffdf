import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GenericNack, PictureLossIndication, RtcpPayloadSpecificFeedback, RtcpTransportLayerFeedback } from 'werift'
import type { RunningSfu } from '../src/server.ts'
import { APP_ID, clientFor, startTestSfu } from './helpers/sfu.ts'
import { publish, pull, type Publisher } from './helpers/peer.ts'
import { waitFor } from './helpers/wait.ts'

let sfu: RunningSfu
beforeAll(async () => {
  sfu = await startTestSfu()
})
afterAll(() => sfu.close())

/** How many PLIs (keyframe requests) the SFU has sent for one of `publisher`'s tracks so far. */
function plisTo(publisher: Publisher, trackName: string): () => number {
  let count = 0
  publisher.transceivers.get(trackName)!.sender.onPictureLossIndication.subscribe(() => count++)
  return () => count
}

/** Packets of `publisher`'s track the SFU has received (it learns the SSRC a PLI goes to from them). */
function takenIn(publisher: Publisher, trackName: string): number {
  return sfu.registry.findPublished(APP_ID, publisher.sessionId, trackName)?.packetsReceived ?? 0
}

describe('RTCP', () => {
  it('asks the publisher for a keyframe when a puller attaches, and forwards the puller PLI', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'cam-video', kind: 'video', tag: 2 }])
    const plis = plisTo(a, 'cam-video')
    // Once the SFU has A's stream it could ask for keyframes, but with nobody pulling it does not.
    await waitFor(() => takenIn(a, 'cam-video') >= 30, "A's stream reaching the SFU")
    expect(plis()).toBe(0)

    const b = await pull(api, [{ sessionId: a.sessionId, trackName: 'cam-video' }])
    const video = () => b.received.get(b.mids.get('cam-video')!)!
    await waitFor(() => video().seqs.length >= 5, 'B receiving video')
    await waitFor(() => plis() >= 1, 'keyframe request on attach')

    const before = plis()
    const receiver = b.pc.getTransceivers().find((t) => t.mid === b.mids.get('cam-video'))!.receiver
    const ssrc = [...video().ssrcs][0]!
    await receiver.sendRtcpPLI(ssrc)
    await waitFor(() => plis() > before, "B's PLI reaching A")
    await b.close()
    await a.close()
  })

  it('asks for the keyframe once the puller can receive it, not while it is still connecting', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'cam-video', kind: 'video', tag: 2 }])
    const plis = plisTo(a, 'cam-video')
    // The SFU knows A's stream (its SSRC) once packets have arrived: only then could it ask too early.
    await waitFor(() => takenIn(a, 'cam-video') >= 20, "A's stream reaching the SFU")
    const { sessionId } = await api.newSession()
    const pending = await api.newTracks(sessionId, {
      tracks: [{ location: 'remote', sessionId: a.sessionId, trackName: 'cam-video' }],
    })
    expect(pending.requiresImmediateRenegotiation).toBe(true)
    // A keyframe now would reach nobody, and the publisher's encoder could then pass over the next request.
    const sent = a.sources.get('cam-video')!.sent
    await waitFor(() => a.sources.get('cam-video')!.sent >= sent + 30, 'A sending 30 more packets')
    expect(plis()).toBe(0)

    const b = await pull(api, [{ sessionId: a.sessionId, trackName: 'cam-video' }])
    const video = () => b.received.get(b.mids.get('cam-video')!)!
    await waitFor(() => video().seqs.length >= 5, 'B receiving video')
    await waitFor(() => plis() >= 1, 'a keyframe request once B is connected')

    // On a session that is already connected, a new pull waits for its negotiation in the same way.
    const c = await publish(api, [{ name: 'screen', kind: 'video', tag: 3 }])
    const screenPlis = plisTo(c, 'screen')
    await waitFor(() => takenIn(c, 'screen') >= 20, "C's stream reaching the SFU")
    const offered = await api.newTracks(b.sessionId, {
      tracks: [{ location: 'remote', sessionId: c.sessionId, trackName: 'screen' }],
    })
    expect(offered.requiresImmediateRenegotiation).toBe(true)
    const screenSent = c.sources.get('screen')!.sent
    await waitFor(() => c.sources.get('screen')!.sent >= screenSent + 30, 'C sending 30 more packets')
    expect(screenPlis()).toBe(0)
    await b.pc.setRemoteDescription(offered.sessionDescription!)
    await b.pc.setLocalDescription(await b.pc.createAnswer())
    await api.renegotiate(b.sessionId, { sessionDescription: { type: 'answer', sdp: b.pc.localDescription!.sdp } })
    await waitFor(() => screenPlis() >= 1, 'a keyframe request once the pull is negotiated')
    await b.close()
    await a.close()
    await c.close()
  })

  it('forwards the PLI of a puller that also publishes, signed with its own stream as browsers do', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'cam-video', kind: 'video', tag: 3 }])
    const plis = plisTo(a, 'cam-video')
    // B publishes first (the first person in a room), then pulls A on the same session.
    const bPub = await publish(api, [{ name: 'b-video', kind: 'video', tag: 4 }])
    const b = await pull(api, [{ sessionId: a.sessionId, trackName: 'cam-video' }], {
      ...bPub,
      received: new Map(),
      mids: new Map(),
    })
    const video = () => b.received.get(b.mids.get('cam-video')!)!
    await waitFor(() => video().seqs.length >= 5, 'B receiving video')
    await waitFor(() => plis() >= 1, 'keyframe request on attach')

    const before = plis()
    // Chromium's feedback names its own outgoing stream as the sender: the SFU knows that SSRC
    // too (as B's published track), and must still route by the media source.
    const pli = new RtcpPayloadSpecificFeedback({
      feedback: new PictureLossIndication({
        senderSsrc: bPub.transceivers.get('b-video')!.sender.ssrc,
        mediaSsrc: [...video().ssrcs][0]!,
      }),
    })
    await b.pc.dtlsTransports[0]!.sendRtcp([pli])
    await waitFor(() => plis() > before, "B's PLI reaching A")
    await bPub.close()
    await a.close()
  })

  it('answers a NACK from its retransmission buffer', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'cam-video', kind: 'video', tag: 3 }])
    const b = await pull(api, [{ sessionId: a.sessionId, trackName: 'cam-video' }])
    const video = () => b.received.get(b.mids.get('cam-video')!)!
    await waitFor(() => video().seqs.length >= 10, 'B receiving video')
    const lost = video().seqs[2]!
    const timesSeen = () => video().seqs.filter((s) => s === lost).length
    expect(timesSeen()).toBe(1)

    const transceiver = b.pc.getTransceivers().find((t) => t.mid === b.mids.get('cam-video'))!
    const nack = new RtcpTransportLayerFeedback({
      feedback: new GenericNack({ senderSsrc: 1234, mediaSourceSsrc: [...video().ssrcs][0]!, lost: [lost] }),
    })
    await transceiver.receiver.dtlsTransport.sendRtcp([nack])
    await waitFor(() => timesSeen() === 2, 'the retransmitted packet')
    // The retransmission carries the original payload.
    const indices = video().seqs.flatMap((s, i) => (s === lost ? [i] : []))
    expect(video().counters[indices[1]!]).toBe(video().counters[indices[0]!])
    await b.close()
    await a.close()
  })
})
