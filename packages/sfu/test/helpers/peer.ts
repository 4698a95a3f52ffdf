import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
  useAbsSendTime,
  useNACK,
  usePLI,
  useSdesMid,
  useTransportWideCC,
  useTWCC,
  type RTCPeerConnectionConfig,
  type RTCRtpTransceiver,
} from 'werift'
import type { CallsClient } from '@tangerine/contracts/calls/client'
import type { LayerPreference } from '../../src/media/layers.ts'
import { waitFor } from './wait.ts'

/** Every test peer: one bundled transport, host candidates on 127.0.0.1 only (tests stay on loopback). */
export const loopbackOnly: Partial<RTCPeerConnectionConfig> = {
  bundlePolicy: 'max-bundle',
  iceServers: [],
  iceUseIpv4: false,
  iceUseIpv6: false,
  iceAdditionalHostAddresses: ['127.0.0.1'],
  iceInterfaceAddresses: { udp4: '127.0.0.1' },
}

/**
 * A werift peer standing in for a browser: loopback only, Opus + VP8. With `chromiumFeedback` it
 * also negotiates what Chromium does for feedback (transport-cc on both kinds, NACK/PLI on video,
 * and the mid, abs-send-time and transport-cc header extensions), so the SFU does the per-packet
 * feedback work a browser causes.
 */
export function clientPeer(options: { iceLite?: boolean; chromiumFeedback?: boolean } = {}): RTCPeerConnection {
  const chromium = options.chromiumFeedback ?? false
  const extensions = () => [useSdesMid(), useAbsSendTime(), useTransportWideCC()]
  return new RTCPeerConnection({
    iceLite: options.iceLite ?? false,
    ...loopbackOnly,
    codecs: {
      audio: [
        new RTCRtpCodecParameters({
          mimeType: 'audio/opus',
          clockRate: 48000,
          channels: 2,
          payloadType: 109,
          rtcpFeedback: chromium ? [useTWCC()] : [],
        }),
      ],
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/VP8',
          clockRate: 90000,
          payloadType: 120,
          rtcpFeedback: chromium ? [useNACK(), usePLI(), useTWCC()] : [useNACK(), usePLI()],
        }),
      ],
    },
    ...(chromium ? { headerExtensions: { audio: extensions(), video: extensions() } } : {}),
  })
}

export const connected = async (pc: RTCPeerConnection, what = 'peer connected') => {
  try {
    // DTLS in werift is JS crypto; with browser tests sharing the 2 cores a handshake has
    // been seen to take over 20 s, so this bound is wider than the other waits.
    await waitFor(() => pc.connectionState === 'connected', what, 45_000)
  } catch (err) {
    // Say how far it got: ICE never checked, ICE up but DTLS stuck, or failed.
    throw new Error(`${(err as Error).message} (connection ${pc.connectionState}, ICE ${pc.iceConnectionState})`, {
      cause: err,
    })
  }
}

/**
 * Every synthetic payload is VP8-shaped — a descriptor with S=1, PID=0, then a frame
 * header whose P bit marks keyframes — followed by "TNG", the track's tag and a counter.
 */
export function syntheticPayload(tag: number, counter: number, size: number, keyframe: boolean): Buffer {
  const payload = Buffer.alloc(Math.max(size, 10), tag)
  payload.writeUInt8(0x10, 0)
  payload.writeUInt8(keyframe ? 0x00 : 0x01, 1)
  payload.write('TNG', 2)
  payload.writeUInt8(tag, 5)
  payload.writeUInt32BE(counter, 6)
  return payload
}

export function readPayload(payload: Buffer): { tag: number; counter: number; keyframe: boolean } | undefined {
  if (payload.length < 10 || payload.toString('latin1', 2, 5) !== 'TNG') return undefined
  return { tag: payload.readUInt8(5), counter: payload.readUInt32BE(6), keyframe: (payload[1]! & 1) === 0 }
}

/** Writes synthetic RTP into a local track on a timer, like a capture device would. */
export class SyntheticSource {
  readonly track: MediaStreamTrack
  sent = 0
  private seq = Math.floor(Math.random() * 65536)
  private ts = Math.floor(Math.random() * 2 ** 31)
  private timer: NodeJS.Timeout | undefined
  private keyframeWanted = true
  readonly tag: number
  keyframesSent = 0

  constructor(kind: 'audio' | 'video', tag: number) {
    this.track = new MediaStreamTrack({ kind })
    this.tag = tag
  }

  start(intervalMs: number, size: number): this {
    this.timer = setInterval(() => {
      // Like an encoder: a keyframe at start, every 60 frames, and when asked (PLI).
      const keyframe = this.keyframeWanted || this.sent % 60 === 0
      this.keyframeWanted = false
      if (keyframe) this.keyframesSent++
      this.writeNext(syntheticPayload(this.tag, this.sent++, size, keyframe))
    }, intervalMs)
    return this
  }

  /** One more packet of this source's stream: its next sequence number and timestamp. */
  writeNext(payload: Buffer): void {
    this.seq = (this.seq + 1) & 0xffff
    this.ts = (this.ts + (this.track.kind === 'audio' ? 960 : 3000)) >>> 0
    const header = new RtpHeader({ sequenceNumber: this.seq, timestamp: this.ts, marker: true, payloadType: 0 })
    this.track.writeRtp(new RtpPacket(header, payload))
  }

  requestKeyframe(): void {
    this.keyframeWanted = true
  }

  stop(): void {
    clearInterval(this.timer)
  }
}

export interface Publisher {
  pc: RTCPeerConnection
  sessionId: string
  sources: Map<string, SyntheticSource>
  transceivers: Map<string, RTCRtpTransceiver>
  close(): Promise<void>
}

/** A session that pushes one synthetic track per entry, the partytracks way (client offer). */
export async function publish(
  api: CallsClient,
  tracks: Array<{ name: string; kind: 'audio' | 'video'; tag: number }>,
): Promise<Publisher> {
  const pc = clientPeer()
  const { sessionId } = await api.newSession()
  const sources = new Map<string, SyntheticSource>()
  const transceivers = new Map<string, RTCRtpTransceiver>()
  for (const t of tracks) {
    const source = new SyntheticSource(t.kind, t.tag)
    sources.set(t.name, source)
    const transceiver = pc.addTransceiver(source.track, { direction: 'sendonly' })
    transceiver.sender.onPictureLossIndication.subscribe(() => source.requestKeyframe())
    transceivers.set(t.name, transceiver)
  }
  await pc.setLocalDescription(await pc.createOffer())
  const response = await api.newTracks(sessionId, {
    sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
    tracks: tracks.map((t) => ({ location: 'local', trackName: t.name, mid: transceivers.get(t.name)!.mid! })),
  })
  await pc.setRemoteDescription(response.sessionDescription!)
  await connected(pc, 'publisher connected')
  for (const [name, source] of sources)
    source.start(name.includes('video') ? 33 : 20, name.includes('video') ? 1000 : 160)
  return {
    pc,
    sessionId,
    sources,
    transceivers,
    async close() {
      for (const source of sources.values()) source.stop()
      await pc.close()
    },
  }
}

export interface Received {
  seqs: number[]
  timestamps: number[]
  counters: number[]
  tags: Set<number>
  ssrcs: Set<number>
  /** Tag of each packet, in arrival order. */
  tagSeq: number[]
  keyframes: boolean[]
}

export interface Puller {
  pc: RTCPeerConnection
  sessionId: string
  /** Packets by the mid the SFU gave each pull. */
  received: Map<string, Received>
  mids: Map<string, string>
  close(): Promise<void>
}

export function recordInto(transceiver: RTCRtpTransceiver, received: Map<string, Received>, mid: string) {
  const record: Received = {
    seqs: [],
    timestamps: [],
    counters: [],
    tags: new Set(),
    ssrcs: new Set(),
    tagSeq: [],
    keyframes: [],
  }
  received.set(mid, record)
  const listen = (track: MediaStreamTrack) =>
    track.onReceiveRtp.subscribe((packet) => {
      const marker = readPayload(packet.payload)
      if (!marker) return
      record.seqs.push(packet.header.sequenceNumber)
      record.timestamps.push(packet.header.timestamp)
      record.counters.push(marker.counter)
      record.tags.add(marker.tag)
      record.tagSeq.push(marker.tag)
      record.keyframes.push(marker.keyframe)
      record.ssrcs.add(packet.header.ssrc)
    })
  listen(transceiver.receiver.track)
  transceiver.onTrack.subscribe((track) => {
    if (track !== transceiver.receiver.track) listen(track)
  })
}

/** A session that pulls remote tracks: SFU offer → client answer → renegotiate. */
export async function pull(
  api: CallsClient,
  items: Array<{ sessionId: string; trackName: string; simulcast?: LayerPreference }>,
  existing?: { pc: RTCPeerConnection; sessionId: string; received: Map<string, Received>; mids: Map<string, string> },
): Promise<Puller> {
  const pc = existing?.pc ?? clientPeer()
  const sessionId = existing?.sessionId ?? (await api.newSession()).sessionId
  const received = existing?.received ?? new Map<string, Received>()
  const mids = existing?.mids ?? new Map<string, string>()
  const response = await api.newTracks(sessionId, {
    tracks: items.map((i) => ({ location: 'remote', ...i })),
  })
  if (!response.requiresImmediateRenegotiation) throw new Error('expected an SFU offer')
  await pc.setRemoteDescription(response.sessionDescription!)
  for (const track of response.tracks ?? []) {
    if (track.errorCode) throw new Error(`pull failed: ${track.errorCode}`)
    const transceiver = pc.getTransceivers().find((t) => t.mid === track.mid)!
    mids.set(track.trackName!, track.mid!)
    recordInto(transceiver, received, track.mid!)
  }
  await pc.setLocalDescription(await pc.createAnswer())
  await api.renegotiate(sessionId, { sessionDescription: { type: 'answer', sdp: pc.localDescription!.sdp } })
  await connected(pc, 'puller connected')
  return { pc, sessionId, received, mids, close: () => pc.close() }
}
