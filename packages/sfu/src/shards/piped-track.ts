import { RTCRtpCodecParameters, type RtpPacket } from 'werift'
import { TrackSource } from '../media/track-source.ts'
import type { CatalogEntry } from './protocol.ts'

/** A subscription asks for a keyframe on every packet while it waits for one; one message per this suffices. */
const KEYFRAME_MESSAGE_INTERVAL_MS = 100

/**
 * A track published on another shard, as this shard's pullers see it: the publisher's shard
 * pipes each packet here once, however many pullers this shard has, and this fans it out with
 * the same code as a local track. The pipe opens with the first sink and shuts with the last.
 */
export class PipedTrack extends TrackSource {
  entry: CatalogEntry
  readonly pipeId: number
  private codecList: RTCRtpCodecParameters[]
  private open = false
  private lastKeyframeMessageAt = 0
  private readonly control: {
    open(track: PipedTrack): void
    shut(track: PipedTrack): void
    keyframe(track: PipedTrack, force: boolean): void
  }

  constructor(entry: CatalogEntry, pipeId: number, control: PipedTrack['control']) {
    super({ name: entry.trackName, sessionId: entry.sessionId, kind: entry.kind })
    this.entry = entry
    this.pipeId = pipeId
    this.control = control
    this.codecList = entry.codecs.map((c) => new RTCRtpCodecParameters(c))
  }

  /** The publisher renegotiated: its codecs or mid may have changed. */
  update(entry: CatalogEntry): void {
    this.entry = entry
    this.codecList = entry.codecs.map((c) => new RTCRtpCodecParameters(c))
  }

  get codecs(): RTCRtpCodecParameters[] {
    return this.codecList
  }

  get mid(): string | undefined {
    return this.entry.mid
  }

  get simulcast(): boolean {
    return this.entry.simulcast
  }

  override addSink(sink: Parameters<TrackSource['addSink']>[0]): void {
    super.addSink(sink)
    if (!this.open && !this.closed) {
      this.open = true
      this.control.open(this)
    }
  }

  override removeSink(sink: Parameters<TrackSource['removeSink']>[0]): void {
    super.removeSink(sink)
    if (this.sinkCount === 0 && this.open && !this.closed) this.close(true)
  }

  /** The publisher's shard throttles too; this only keeps a waiting puller from sending one per packet. */
  requestKeyframe(force = false): void {
    if (this.closed || this.kind !== 'video' || !this.open) return
    const now = Date.now()
    if (!force && now - this.lastKeyframeMessageAt < KEYFRAME_MESSAGE_INTERVAL_MS) return
    this.lastKeyframeMessageAt = now
    this.control.keyframe(this, force)
  }

  /** A packet off the pipe. */
  receive(packet: RtpPacket, rid: string, arrivedAt: number): void {
    if (!this.closed) this.deliver(packet, rid, arrivedAt)
  }

  /** `shut`: tell the publisher's shard to stop piping (not needed when it ended the pipe itself). */
  close(shut = false): void {
    const wasOpen = this.open
    if (!this.closeSinks()) return
    if (shut && wasOpen) this.control.shut(this)
  }
}
