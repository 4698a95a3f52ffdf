import type { RTCRtpCodecParameters, RtpPacket } from 'werift'
import type { TrackKind } from '@tangerine/contracts/calls/api'

/** Anything that wants the publisher's packets: a subscription of some puller, or a pipe to another shard. */
export interface PacketSink {
  /**
   * `arrivedAt` is the `performance.now()` at which the publisher's decrypted packet
   * reached our handler, shared by every puller's copy: forwarding latency is measured
   * from it, so it holds the fan-out to earlier pullers and any event-loop queueing.
   */
  onPacket(packet: RtpPacket, rid: string, arrivedAt: number): void
  onSourceClosed(): void
}

const LAYER_ACTIVE_MS = 1000
const ACTIVE_LAYER_REFRESH_MS = 200
/**
 * How long after its first packet a source has seen every layer being sent: a browser sends each
 * layer every frame (≈ 33 ms), so this is several frames even when the packets come in late.
 */
const LAYER_SETTLE_MS = 300

/**
 * What a puller's subscription follows: a track published on this shard (`PublishedTrack`) or
 * one piped in from the shard its publisher lives on (`PipedTrack`). Both fan each packet out
 * to their sinks and keep the same view of which simulcast layers flow; they differ in where a
 * keyframe request goes and where the codecs come from.
 */
export abstract class TrackSource {
  readonly name: string
  readonly sessionId: string
  readonly kind: TrackKind
  readonly createdAt = Date.now()
  lastPacketAt: number | undefined
  /** When the first packet came (`Date.now()`): until the layers settle, not every one has been seen. */
  firstPacketAt: number | undefined
  packetsReceived = 0
  closed = false

  /** The layers seen so far, ascending; replaced (never mutated) when one appears. */
  rids: readonly string[] = []
  protected readonly sinks = new Set<PacketSink>()
  private readonly layerLastAt = new Map<string, number>()
  private active: readonly string[] = []
  private activeAt = 0

  constructor(init: { name: string; sessionId: string; kind: TrackKind }) {
    this.name = init.name
    this.sessionId = init.sessionId
    this.kind = init.kind
  }

  /** The codecs negotiated with the publisher, primary first (empty before negotiation). */
  abstract get codecs(): RTCRtpCodecParameters[]
  /** The publisher's mid (undefined before negotiation). */
  abstract get mid(): string | undefined
  /** Asks the publisher for a keyframe; `force` skips the throttle. */
  abstract requestKeyframe(force?: boolean): void

  /**
   * The layers that sent a packet within the last second, ascending. A browser pauses
   * its top simulcast layers when bandwidth drops; pullers on a paused layer must move
   * to one still flowing. Recomputed at most every 200 ms, since it runs per packet.
   */
  activeRids(now = Date.now()): readonly string[] {
    // A set made before the layers settled may lack some that came since: made afresh until then.
    if (now - this.activeAt > ACTIVE_LAYER_REFRESH_MS || !this.layersSettled(this.activeAt)) {
      this.activeAt = now
      this.active = this.rids.filter((rid) => now - (this.layerLastAt.get(rid) ?? 0) <= LAYER_ACTIVE_MS)
    }
    return this.active
  }

  /**
   * Whether the source has flowed long enough to have seen every layer being sent. A track piped
   * in from another shard starts afresh with each pipe, whatever layer its first packet is of.
   */
  layersSettled(now = Date.now()): boolean {
    return this.firstPacketAt !== undefined && now - this.firstPacketAt >= LAYER_SETTLE_MS
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

  /** Marks the track closed and tells every sink; true the first time only. */
  protected closeSinks(): boolean {
    if (this.closed) return false
    this.closed = true
    for (const sink of [...this.sinks]) sink.onSourceClosed()
    this.sinks.clear()
    return true
  }

  /** One packet of layer `rid` to every sink, and the layer bookkeeping that goes with it. */
  protected deliver(packet: RtpPacket, rid: string, arrivedAt: number): void {
    if (!this.layerLastAt.has(rid)) this.rids = [...this.layerLastAt.keys(), rid].sort()
    this.lastPacketAt = Date.now()
    this.firstPacketAt ??= this.lastPacketAt
    this.layerLastAt.set(rid, this.lastPacketAt)
    this.packetsReceived++
    for (const sink of this.sinks) sink.onPacket(packet, rid, arrivedAt)
  }
}
