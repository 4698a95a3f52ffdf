import type { MediaStreamTrack, RTCRtpCodecParameters, RTCRtpTransceiver } from 'werift'
import type { TrackKind } from '@tangerine/contracts/calls/api'
import { TrackSource } from './track-source.ts'

export type { PacketSink } from './track-source.ts'

/** Keyframe requests closer together than this add nothing but upstream load. */
const KEYFRAME_REQUEST_INTERVAL_MS = 300

/**
 * A track some session on this shard pushes: the receiving side of one transceiver, fanned out
 * to every subscription. Simulcast layers arrive as separate werift tracks keyed by rid
 * (`''` when the publisher sends a single encoding).
 */
export class PublishedTrack extends TrackSource {
  readonly transceiver: RTCRtpTransceiver
  /** A `sendrecv` transceiver also carries a pulled track back to this peer (the AI flow). */
  readonly bidirectional: boolean

  private readonly watched = new Set<MediaStreamTrack>()
  /** rid → the SSRC the publisher sends that layer on, learnt from its packets. */
  private readonly layerSsrc = new Map<string, number>()
  private readonly unsubscribers: Array<() => void> = []
  private lastKeyframeRequestAt = 0
  /** PLIs sent to the publisher so far (each asks every layer for a keyframe): debug log only. */
  plisSent = 0
  private deferredKeyframe: NodeJS.Timeout | undefined

  constructor(init: {
    name: string
    sessionId: string
    transceiver: RTCRtpTransceiver
    kind: TrackKind
    bidirectional: boolean
  }) {
    super(init)
    this.transceiver = init.transceiver
    this.bidirectional = init.bidirectional
    const receiver = init.transceiver.receiver
    for (const track of [...receiver.tracks, receiver.track]) this.watch(track)
    const { unSubscribe } = init.transceiver.onTrack.subscribe((track) => this.watch(track))
    this.unsubscribers.push(unSubscribe)
  }

  get mid(): string | undefined {
    return this.transceiver.mid ?? undefined
  }

  get codecs(): RTCRtpCodecParameters[] {
    return this.transceiver.codecs
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
    this.plisSent++
    for (const ssrc of this.layerSsrc.values()) {
      this.transceiver.receiver.sendRtcpPLI(ssrc).catch(() => {
        // The publisher's transport may already be gone; the GC will close us.
      })
    }
  }

  close(): void {
    if (this.closed) return
    clearTimeout(this.deferredKeyframe)
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe()
    this.closeSinks()
  }

  private watch(track: MediaStreamTrack): void {
    if (this.watched.has(track)) return
    this.watched.add(track)
    const { unSubscribe } = track.onReceiveRtp.subscribe((packet) => {
      // The earliest point our code sees the decrypted packet: the forwarding latency clock starts here.
      const arrivedAt = performance.now()
      const rid = track.rid ?? ''
      // werift hands each packet to exactly one track, so no layer is seen twice.
      if (this.layerSsrc.get(rid) !== packet.header.ssrc) this.layerSsrc.set(rid, packet.header.ssrc)
      this.deliver(packet, rid, arrivedAt)
    })
    this.unsubscribers.push(unSubscribe)
  }
}
