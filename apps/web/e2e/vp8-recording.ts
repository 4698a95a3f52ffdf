import { createCallsClient } from '@tangerine/contracts/calls/client'
import type { MediaStreamTrack, RtpPacket } from 'werift'
import { vp8Peer } from './vp8-peer.ts'
import { readVp8 } from './vp8-descriptor.ts'

/*
 * Real VP8 without an encoder in Node: a camera someone publishes, pulled through the SFU into a
 * werift peer of the test process and kept as RTP from a key frame on, for bots to replay
 * (rtp-loop.ts). The SFU operator pulls it (as the eavesdropper does), so the recording needs no
 * seat in the meeting; in an E2EE meeting it would only hold ciphertext, so record from a meeting
 * without it.
 */

/** The stack's local SFU and its development app (scripts/lib/stack.mjs). */
const operator = createCallsClient({
  baseUrl: 'http://127.0.0.1:7880/v1',
  appId: 'tangerine-dev',
  appSecret: 'dev-secret',
})

export interface RecordedPacket {
  /** RTP timestamp relative to the first packet's (90 kHz). */
  timestamp: number
  marker: boolean
  payload: Buffer
}

export interface Recording {
  /** Whole frames, the first a key frame, in sequence-number order with none missing. */
  packets: RecordedPacket[]
  frames: number
  /** How long they took to arrive, in ms (the encoder's pace on a busy machine). */
  tookMs: number
}

/**
 * Records `frames` whole frames of the camera `sessionId/trackName` publishes, starting at a key
 * frame. Tries again (up to three times) if a packet went missing on the way.
 */
export async function recordCamera(track: { sessionId: string; trackName: string }, frames = 12): Promise<Recording> {
  let last: Error | undefined
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await recordOnce(track, frames)
    } catch (err) {
      last = err as Error
    }
  }
  throw last
}

async function recordOnce(track: { sessionId: string; trackName: string }, frames: number): Promise<Recording> {
  const pc = vp8Peer('receiver')
  try {
    const { sessionId } = await operator.newSession()
    const pulled = await operator.newTracks(sessionId, { tracks: [{ location: 'remote', ...track }] })
    if (!pulled.requiresImmediateRenegotiation || pulled.sessionDescription?.type !== 'offer')
      throw new Error(`The SFU made no offer for the pull: ${JSON.stringify(pulled)}`)
    await pc.setRemoteDescription(pulled.sessionDescription)
    const transceiver = pc.getTransceivers().find((t) => t.mid === pulled.tracks?.[0]?.mid)
    if (!transceiver) throw new Error(`No transceiver for the pull: ${JSON.stringify(pulled.tracks)}`)
    const packets: RtpPacket[] = []
    let started = false
    let startedAt = 0
    /** Frames complete so far (their last packet, with the marker bit, came). */
    let whole = 0
    let ssrc: number | undefined
    let ended = false
    let done: () => void = () => {}
    const finished = new Promise<void>((resolve) => (done = resolve))
    const listen = (received: MediaStreamTrack) =>
      received.onReceiveRtp.subscribe((packet) => {
        if (ended) return
        ssrc = packet.header.ssrc
        if (!started && !readVp8(packet.payload).keyFrameStart) return
        if (!started) startedAt = performance.now()
        started = true
        packets.push(packet.clone())
        if (packet.header.marker) ended = ++whole >= frames
        if (ended) done()
      })
    // As the SFU's own tests listen: the receiver's track, and any the transceiver adds later.
    listen(transceiver.receiver.track)
    transceiver.onTrack.subscribe((t) => t !== transceiver.receiver.track && listen(t))
    await pc.setLocalDescription(await pc.createAnswer())
    await operator.renegotiate(sessionId, { sessionDescription: { type: 'answer', sdp: pc.localDescription!.sdp } })
    // The SFU asks the publisher for a key frame for a new puller; ask again now and then in
    // case that one came before this peer could take it.
    const ask = setInterval(() => {
      if (!started && ssrc !== undefined) transceiver.receiver.sendRtcpPLI(ssrc).catch(() => undefined)
    }, 1000)
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`No ${frames} frames from a key frame within 45 s (${whole} came)`)), 45_000),
    )
    try {
      await Promise.race([finished, timeout])
    } finally {
      clearInterval(ask)
    }
    return toRecording(packets, performance.now() - startedAt)
  } finally {
    await pc.close()
  }
}

/** In sequence order, checked whole, with timestamps from the first packet's. */
function toRecording(packets: RtpPacket[], tookMs: number): Recording {
  const first = packets[0]!.header
  const ordered = [...packets].sort(
    (a, b) =>
      ((a.header.sequenceNumber - first.sequenceNumber) & 0xffff) -
      ((b.header.sequenceNumber - first.sequenceNumber) & 0xffff),
  )
  for (const [i, p] of ordered.entries()) {
    if (((p.header.sequenceNumber - first.sequenceNumber) & 0xffff) !== i)
      throw new Error(`Packet ${i} of the recording is missing (sequence ${first.sequenceNumber + i})`)
  }
  const recorded = ordered.map((p) => ({
    timestamp: (p.header.timestamp - first.timestamp) >>> 0,
    marker: p.header.marker,
    payload: Buffer.from(p.payload),
  }))
  return { packets: recorded, frames: new Set(recorded.map((p) => p.timestamp)).size, tookMs: Math.round(tookMs) }
}
