import type { MediaStreamTrack, RTCRtpCodecParameters, RTCRtpTransceiver, RtpPacket } from 'werift'
import type { TrackKind } from '@tangerine/contracts/calls/api'

/** Anything that wants the publisher's packets: a subscription of some puller. */
export interface PacketSink {
  /**
   * `arrivedAt` is the `performance.now()` at which the publisher's decrypted packet
   * reached our handler, shared by every puller's copy: forwarding latency is measured
   * from it, so it holds the fan-out to earlier pullers and any event-loop queueing.
   */
  onPacket(packet: RtpPacket, rid: string, arrivedAt: number): void
  onSourceClosed(): void
}

/** Keyframe requests closer together than this add nothing but upstream load. */
const KEYFRAME_REQUEST_INTERVAL_MS = 300
const LAYER_ACTIVE_MS = 1000
const ACTIVE_LAYER_REFRESH_MS = 200

/**
 * A track some session pushes: the receiving side of one transceiver, fanned out to
 * every subscription. Simulcast layers arrive as separate werift tracks keyed by rid
 * (`''` when the publisher sends a single encoding).
 */
export class PublishedTrack {
  readonly name: string
  readonly sessionId: string
  readonly transceiver: RTCRtpTransceiver
  readonly kind: TrackKind
  /** A `sendrecv` transceiver also carries a pulled track back to this peer (the AI flow). */
  readonly bidirectional: boolean
  readonly createdAt = Date.now()
  lastPacketAt: number | undefined
  packetsReceived = 0
  closed = false

  private readonly sinks = new Set<PacketSink>()
  private readonly watched = new Set<MediaStreamTrack>()
  /** rid → the SSRC the publisher sends that layer on, learnt from its packets. */
  private readonly layerSsrc = new Map<string, number>()
  private readonly unsubscribers: Array<() => void> = []
  private lastKeyframeRequestAt = 0
  private deferredKeyframe: NodeJS.Timeout | undefined

  constructor(init: {
    name: string
    sessionId: string
    transceiver: RTCRtpTransceiver
    kind: TrackKind
    bidirectional: boolean
  }) {
    this.name = init.name
    this.sessionId = init.sessionId
    this.transceiver = init.transceiver
    this.kind = init.kind
    this.bidirectional = init.bidirectional
    const receiver = init.transceiver.receiver
    for (const track of [...receiver.tracks, receiver.track]) this.watch(track)
    const { unSubscribe } = init.transceiver.onTrack.subscribe((track) => this.watch(track))
    this.unsubscribers.push(unSubscribe)
  }

  get mid(): string | undefined {
    return this.transceiver.mid ?? undefined
  }

  /** The codecs negotiated with the publisher, primary first (empty before negotiation). */
  get codecs(): RTCRtpCodecParameters[] {
    return this.transceiver.codecs
  }

  /** The layers seen so far, ascending; replaced (never mutated) when one appears. */
  rids: readonly string[] = []
  private readonly layerLastAt = new Map<string, number>()
  private active: readonly string[] = []
  private activeAt = 0

  /**
   * The layers that sent a packet within the last second, ascending. A browser pauses
   * its top simulcast layers when bandwidth drops; pullers on a paused layer must move
   * to one still flowing. Recomputed at most every 200 ms, since it runs per packet.
   */
  activeRids(now = Date.now()): readonly string[] {
    if (now - this.activeAt > ACTIVE_LAYER_REFRESH_MS) {
      this.activeAt = now
      this.active = this.rids.filter((rid) => now - (this.layerLastAt.get(rid) ?? 0) <= LAYER_ACTIVE_MS)
    }
    return this.active
  }

  /** The primary codec's mime type, e.g. `video/VP8` (empty before negotiation). */
  get mimeType(): string {
    return this.codecs.find((c) => !/\/(rtx|red|ulpfec)$/i.test(c.mimeType))?.mimeType ?? ''
  }

  addSink(sink: PacketSink): void {
    this.sinks.add(sink)
  }

  removeSink(sink: PacketSink): void {
    this.sinks.delete(sink)
  }

  get sinkCount(): number {
    return this.sinks.size
  }

  /**
   * Asks the publisher for a keyframe (PLI) on every layer. Requests inside the
   * throttle window are coalesced into one sent when it ends, never dropped.
   */
  requestKeyframe(force = false): void {
    if (this.closed || this.kind !== 'video') return
    const wait = this.lastKeyframeRequestAt + KEYFRAME_REQUEST_INTERVAL_MS - Date.now()
    if (force || wait <= 0) {
      this.sendPli()
      return
    }
    this.deferredKeyframe ??= setTimeout(() => {
      this.deferredKeyframe = undefined
      this.sendPli()
    }, wait)
  }

  private sendPli(): void {
    if (this.closed) return
    this.lastKeyframeRequestAt = Date.now()
    for (const ssrc of this.layerSsrc.values()) {
      this.transceiver.receiver.sendRtcpPLI(ssrc).catch(() => {
        // The publisher's transport may already be gone; the GC will close us.
      })
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.deferredKeyframe)
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe()
    for (const sink of [...this.sinks]) sink.onSourceClosed()
    this.sinks.clear()
  }

  private watch(track: MediaStreamTrack): void {
    if (this.watched.has(track)) return
    this.watched.add(track)
    const { unSubscribe } = track.onReceiveRtp.subscribe((packet) => {
      // The earliest point our code sees the decrypted packet: the forwarding latency clock starts here.
      const arrivedAt = performance.now()
      const rid = track.rid ?? ''
      // werift hands each packet to exactly one track, so no layer is seen twice.
      if (this.layerSsrc.get(rid) !== packet.header.ssrc) {
        this.layerSsrc.set(rid, packet.header.ssrc)
        this.rids = [...this.layerSsrc.keys()].sort()
      }
      this.lastPacketAt = Date.now()
      this.layerLastAt.set(rid, this.lastPacketAt)
      this.packetsReceived++
      for (const sink of this.sinks) sink.onPacket(packet, rid, arrivedAt)
    })
    this.unsubscribers.push(unSubscribe)
  }
}
