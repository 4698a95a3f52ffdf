/**
 * Bench clients in a worker thread: a share of the participants, each one werift peer
 * that pushes Opus + VP8-sized video and pulls every other participant's tracks.
 * Spreading them over threads keeps client-side SRTP off the measured path's CPU.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { MediaStreamTrack, RtpHeader, RtpPacket, type RTCPeerConnection } from 'werift'
import { createCallsClient } from '@tangerine/contracts/calls/client'
import { clientPeer } from '../test/helpers/peer.ts'
import { waitFor } from '../test/helpers/wait.ts'

export interface WorkerSetup {
  url: string
  appId: string
  secret: string
  indices: number[]
  video: { fps: number; packetsPerFrame: number; packetBytes: number }
  audio: { intervalMs: number; packetBytes: number }
}

export type ToWorker =
  { type: 'pull'; sessions: string[] } | { type: 'measure' } | { type: 'report' } | { type: 'close' }
export type FromWorker =
  | { type: 'joined'; sessions: Record<number, string> }
  | { type: 'pulled' }
  | { type: 'report'; received: number; latencies: Float64Array }
  | { type: 'closed' }

const setup = workerData as WorkerSetup
const port = parentPort!
const api = createCallsClient({ baseUrl: `${setup.url}/v1`, appId: setup.appId, appSecret: setup.secret })
/** Generous: on a shared 2-core machine the handshakes of a dozen peers queue up. */
const connected = (pc: RTCPeerConnection) => waitFor(() => pc.connectionState === 'connected', 'peer connected', 60_000)
const now = () => performance.timeOrigin + performance.now()

interface Participant {
  index: number
  pc: RTCPeerConnection
  sessionId: string
  timers: NodeJS.Timeout[]
}

let measuring = false
let received = 0
let latencies: number[] = []

/** Payload: the absolute send time (ms, shared clock across threads), then filler. */
function packet(seq: number, ts: number, bytes: number, marker: boolean): RtpPacket {
  const payload = Buffer.alloc(bytes, 0x42)
  payload.writeDoubleBE(now(), 0)
  const header = new RtpHeader({ sequenceNumber: seq & 0xffff, timestamp: ts >>> 0, marker, payloadType: 0 })
  return new RtpPacket(header, payload)
}

async function join(index: number): Promise<Participant> {
  const pc = clientPeer()
  const { sessionId } = await api.newSession()
  const audio = new MediaStreamTrack({ kind: 'audio' })
  const video = new MediaStreamTrack({ kind: 'video' })
  const ta = pc.addTransceiver(audio, { direction: 'sendonly' })
  const tv = pc.addTransceiver(video, { direction: 'sendonly' })
  await pc.setLocalDescription(await pc.createOffer())
  const res = await api.newTracks(sessionId, {
    sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
    tracks: [
      { location: 'local', trackName: `audio-${index}`, mid: ta.mid! },
      { location: 'local', trackName: `video-${index}`, mid: tv.mid! },
    ],
  })
  await pc.setRemoteDescription(res.sessionDescription!)
  await connected(pc)
  let aSeq = 0
  let vSeq = 0
  let frame = 0
  const { fps, packetsPerFrame, packetBytes } = setup.video
  const timers = [
    setInterval(() => {
      aSeq++
      audio.writeRtp(packet(aSeq, aSeq * 960, setup.audio.packetBytes, true))
    }, setup.audio.intervalMs),
    setInterval(() => {
      frame++
      for (let i = 0; i < packetsPerFrame; i++) {
        video.writeRtp(packet(vSeq++, frame * 3000, packetBytes, i === packetsPerFrame - 1))
      }
    }, 1000 / fps),
  ]
  return { index, pc, sessionId, timers }
}

async function pullAll(me: Participant, sessions: string[]) {
  const tracks = sessions.flatMap((sessionId, i) =>
    i === me.index
      ? []
      : (['audio', 'video'] as const).map((kind) => ({
          location: 'remote' as const,
          sessionId,
          trackName: `${kind}-${i}`,
        })),
  )
  const res = await api.newTracks(me.sessionId, { tracks })
  await me.pc.setRemoteDescription(res.sessionDescription!)
  for (const t of res.tracks ?? []) {
    const transceiver = me.pc.getTransceivers().find((x) => x.mid === t.mid)!
    // werift fires onTrack while the offer is applied; its receiver track is already there.
    transceiver.receiver.track.onReceiveRtp.subscribe((rtp) => {
      if (!measuring) return
      received++
      latencies.push(now() - rtp.payload.readDoubleBE(0))
    })
  }
  await me.pc.setLocalDescription(await me.pc.createAnswer())
  await api.renegotiate(me.sessionId, { sessionDescription: { type: 'answer', sdp: me.pc.localDescription!.sdp } })
}

const people = await Promise.all(setup.indices.map(join))
port.postMessage({
  type: 'joined',
  sessions: Object.fromEntries(people.map((p) => [p.index, p.sessionId])),
} satisfies FromWorker)

port.on('message', async (message: ToWorker) => {
  switch (message.type) {
    case 'pull':
      for (const p of people) await pullAll(p, message.sessions)
      await Promise.all(people.map((p) => connected(p.pc)))
      port.postMessage({ type: 'pulled' } satisfies FromWorker)
      break
    case 'measure':
      received = 0
      latencies = []
      measuring = true
      break
    case 'report': {
      measuring = false
      const array = Float64Array.from(latencies)
      port.postMessage({ type: 'report', received, latencies: array } satisfies FromWorker, [array.buffer])
      break
    }
    case 'close':
      for (const p of people) {
        for (const t of p.timers) clearInterval(t)
        await p.pc.close()
      }
      port.postMessage({ type: 'closed' } satisfies FromWorker)
      break
  }
})
