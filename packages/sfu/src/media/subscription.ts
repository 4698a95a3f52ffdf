import { RtcpPayloadSpecificFeedback, RtpHeader, RtpPacket, type RTCRtpSender, type RtcpPacket } from 'werift'
import type { PacketSink, TrackSource } from './track-source.ts'
import { chooseLayer, type LayerPreference } from './layers.ts'
import { isKeyframeStart } from './keyframe.ts'
import type { ForwardingStats } from './forwarding-stats.ts'
import { LeanSender } from './lean-sender.ts'
import type { FastSend } from './fast-send.ts'
import type { Logger } from '../log.ts'

const randomUint = (bits: 16 | 32) => crypto.getRandomValues(new Uint32Array(1))[0]! % 2 ** bits

/** RFC 5104 FIR is payload-specific feedback format 4 (werift types do not export its class). */
const FIR_FMT = 4

/** Timestamp step inserted when the source switches, about one frame. */
const SWITCH_TIMESTAMP_STEP = { audio: 960, video: 3000 } as const

/**
 * One puller's view of one published track: rewrites sequence numbers and timestamps
 * into this puller's own continuous space (werift's sender then stamps its own SSRC
 * and negotiated payload type, and keeps the retransmission buffer NACKs are served
 * from), and turns the puller's PLI/FIR into keyframe requests upstream.
 */
export class Subscription implements PacketSink {
  readonly sender: RTCRtpSender
  source: TrackSource | undefined
  preference: LayerPreference
  packetsForwarded = 0
  /** Called once when the source goes away; the session marks its record inactive. */
  onEnded: (() => void) | undefined

  private seqDelta = 0
  private tsDelta = 0
  private lastSeq: number | undefined
  private lastTs: number | undefined
  /** Set when the next packet starts a new source span and needs fresh offsets. */
  private resync = true
  /** The simulcast layer being forwarded ('' without simulcast). */
  private currentRid: string | undefined
  private keyframeAsked = false
  private readonly unsubscribers: Array<() => void> = []

  private readonly stats: ForwardingStats | undefined
  /** The synchronous send path; werift's `sendRtp` only for what it declines. */
  private readonly lean: LeanSender
  /** Layer switches go to the debug log: what a viewer got, to read an end-to-end failure against. */
  private readonly log: Logger | undefined

  constructor(
    sender: RTCRtpSender,
    source: TrackSource,
    preference: LayerPreference = {},
    stats?: ForwardingStats,
    log?: Logger,
    fastSend?: FastSend,
  ) {
    this.sender = sender
    this.log = log
    this.lean = new LeanSender(sender, fastSend)
    this.stats = stats
    this.preference = preference
    this.unsubscribers.push(
      sender.onPictureLossIndication.subscribe(() => this.source?.requestKeyframe()).unSubscribe,
      sender.onRtcp.subscribe((packet) => this.onRtcp(packet)).unSubscribe,
    )
    this.attach(source)
  }

  /** Points this puller at another publication without renegotiating (tracks/update, `#name`). */
  retarget(source: TrackSource, preference: LayerPreference = this.preference): void {
    this.preference = preference
    if (source === this.source) {
      // Maybe a new preferred layer: its keyframe is where the switch happens.
      source.requestKeyframe()
      return
    }
    this.source?.removeSink(this)
    this.attach(source)
  }

  onPacket(packet: RtpPacket, rid: string, arrivedAt: number): void {
    const source = this.source
    if (!source) return
    if (rid !== this.currentRid && !this.switchLayer(source, rid, packet)) return
    if (!this.canSend()) return
    if (!this.keyframeAsked) {
      // The first packets the puller can decode must start at a keyframe.
      this.keyframeAsked = true
      source.requestKeyframe(true)
    }
    const { header } = packet
    // Padding-only packets are the publisher's bandwidth probes, meaningless downstream.
    if (packet.payload.length === 0) return
    if (this.resync) {
      this.resync = false
      const nextSeq = this.lastSeq === undefined ? randomUint(16) : (this.lastSeq + 1) & 0xffff
      const nextTs =
        this.lastTs === undefined ? randomUint(32) : (this.lastTs + SWITCH_TIMESTAMP_STEP[source.kind]) >>> 0
      this.seqDelta = nextSeq - header.sequenceNumber
      this.tsDelta = nextTs - header.timestamp
    }
    const seq = (header.sequenceNumber + this.seqDelta) & 0xffff
    const ts = (header.timestamp + this.tsDelta) >>> 0
    this.lastSeq = seq
    this.lastTs = ts
    const stats = this.stats
    const sent = this.lean.send(header.marker, seq, ts, packet.payload)
    if (sent === 'sent') {
      this.packetsForwarded++
      if (stats) {
        stats.packetsOut++
        // Measured from the packet's arrival from the publisher (not from this call), so a
        // copy's latency includes the copies made for earlier pullers; the encrypted copy
        // has been handed to the socket by now.
        stats.recordLatency(performance.now() - arrivedAt)
      }
      return
    }
    if (sent === 'dropped') return
    // werift's own path. The publisher's header extensions use the publisher's ids; the
    // sender writes the ones negotiated with this puller, so none are carried across.
    const out = new RtpPacket(
      new RtpHeader({
        marker: header.marker,
        payloadType: header.payloadType,
        sequenceNumber: seq,
        timestamp: ts,
        ssrc: header.ssrc,
      }),
      packet.payload,
    )
    this.packetsForwarded++
    if (stats) {
      stats.packetsOut++
      this.sender.sendRtp(out).then(
        () => stats.recordLatency(performance.now() - arrivedAt),
        () => undefined, // A puller whose transport just died; its session's GC cleans up.
      )
    } else {
      this.sender.sendRtp(out).catch(() => undefined)
    }
  }

  /**
   * A packet from a layer this puller is not getting: switch to it if it is the one
   * wanted, at a keyframe when we can tell, so the decoder never sees a delta frame
   * of a stream it has no reference for.
   */
  private switchLayer(source: TrackSource, rid: string, packet: RtpPacket): boolean {
    const active = source.activeRids()
    // Before the first refresh nothing counts as active yet; fall back to every layer seen.
    if (rid !== chooseLayer(active.length > 0 ? active : source.rids, this.preference)) return false
    // A fallback from the preferred layer waits until the source has seen all its layers: a new
    // pipe's first packets are of whichever layer came first, and the preferred one may be next
    // (data saver's viewer would otherwise start on the top layer). A single encoding ('') has no other.
    const preferred = this.preference.preferredRid
    if (preferred && rid !== preferred && rid !== '' && !source.layersSettled()) return false
    if (this.lastSeq !== undefined && source.kind === 'video') {
      const keyframe = isKeyframeStart(source.mimeType, packet.payload)
      if (keyframe === false) {
        source.requestKeyframe()
        return false
      }
    }
    this.log?.debug('layer switch', {
      track: `${source.sessionId}/${source.name}`,
      from: this.currentRid,
      to: rid,
      preferred: this.preference.preferredRid,
      active: active.join(''),
    })
    this.currentRid = rid
    this.resync = true
    return true
  }

  onSourceClosed(): void {
    this.source = undefined
    this.onEnded?.()
  }

  close(): void {
    this.source?.removeSink(this)
    this.source = undefined
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe()
  }

  private attach(source: TrackSource): void {
    this.source = source
    this.resync = true
    this.currentRid = undefined
    this.keyframeAsked = false
    source.addSink(this)
    // A keyframe made before this puller can take it (transport up, pull negotiated) would be
    // lost, and the publisher's encoder may then sit out the request that counts; onPacket asks
    // once packets can flow.
    if (this.canSend()) {
      this.keyframeAsked = true
      source.requestKeyframe(true)
    }
  }

  private canSend(): boolean {
    return this.sender.dtlsTransport?.state === 'connected' && !!this.sender.codec
  }

  private onRtcp(packet: RtcpPacket): void {
    // werift's sender answers PLI and NACK itself; FIR is left to us.
    if (packet instanceof RtcpPayloadSpecificFeedback && packet.feedback.count === FIR_FMT) {
      this.source?.requestKeyframe()
    }
  }
}
