import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StatusVectorChunk } from 'werift'
import { RtcpTransportLayerFeedback, RunLengthChunk, TransportWideCC } from 'werift'
import type { RunningSfu } from '../src/server.ts'
import { clientFor, startTestSfu } from './helpers/sfu.ts'
import { clientPeer, connected, SyntheticSource } from './helpers/peer.ts'
import { waitFor } from './helpers/wait.ts'

let sfu: RunningSfu
beforeAll(async () => {
  sfu = await startTestSfu()
})
afterAll(() => sfu.close())

/** Each sequence number a feedback reports, with whether it arrived, in order. */
function statuses(feedback: TransportWideCC): Array<{ seq: number; received: boolean }> {
  const symbols = feedback.packetChunks.flatMap((chunk) =>
    chunk instanceof RunLengthChunk
      ? Array<number>(chunk.runLength).fill(chunk.packetStatus)
      : (chunk as StatusVectorChunk).symbolList,
  )
  return symbols
    .slice(0, feedback.packetStatusCount)
    .map((status, i) => ({ seq: (feedback.baseSequenceNumber + i) & 0xffff, received: status === 1 || status === 2 }))
}

describe('transport-wide congestion control feedback', () => {
  it('reports every packet of the BUNDLE once, audio and video alike, with one delta per packet received', async () => {
    const api = clientFor(sfu)
    // Chromium's feedback setup: transport-cc on both kinds, so one sequence spans them.
    const pc = clientPeer({ chromiumFeedback: true })
    const audio = new SyntheticSource('audio', 1)
    const video = new SyntheticSource('video', 2)
    const mic = pc.addTransceiver(audio.track, { direction: 'sendonly' })
    const cam = pc.addTransceiver(video.track, { direction: 'sendonly' })
    const { sessionId } = await api.newSession()
    await pc.setLocalDescription(await pc.createOffer())
    const response = await api.newTracks(sessionId, {
      sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
      tracks: [
        { location: 'local', trackName: 'mic', mid: mic.mid! },
        { location: 'local', trackName: 'cam', mid: cam.mid! },
      ],
    })
    await pc.setRemoteDescription(response.sessionDescription!)
    await connected(pc)
    const feedbacks: TransportWideCC[] = []
    const transport = cam.sender.dtlsTransport
    transport.onRtcp.subscribe((packet) => {
      if (packet instanceof RtcpTransportLayerFeedback && packet.feedback instanceof TransportWideCC) {
        feedbacks.push(packet.feedback)
      }
    })
    audio.start(20, 160)
    video.start(33, 1000)
    const firstSeq = transport.transportSequenceNumber
    await waitFor(() => transport.transportSequenceNumber - firstSeq > 300, 'some 300 packets sent')
    audio.stop()
    video.stop()
    // The feedback for the last packets comes within its 50 ms interval.
    await new Promise((resolve) => setTimeout(resolve, 300))

    const received = feedbacks
      .flatMap(statuses)
      .filter((s) => s.received)
      .map((s) => s.seq)
    // No packet reported twice (by two feedback streams, or by two overlapping feedbacks).
    expect(new Set(received).size).toBe(received.length)
    // From the first reported to the last, every packet, audio and video, is reported received
    // (loopback loses none): a feedback per receiver would leave out the other kind's packets.
    const span = ((received.at(-1)! - received[0]!) & 0xffff) + 1
    expect(span).toBeGreaterThan(250)
    expect(received.length).toBeGreaterThanOrEqual(span - 2)
    // Each feedback carries one arrival delta per packet it says arrived.
    for (const feedback of feedbacks) {
      expect(feedback.recvDeltas.length).toBe(statuses(feedback).filter((s) => s.received).length)
    }
    await pc.close()
  })
})
