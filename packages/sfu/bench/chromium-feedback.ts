/**
 * The RTCP a Chromium receiver sends back for what it pulls, for the bench's lean clients
 * (whose pulled RTP bypasses werift's receive stack, so nothing else would send it):
 *
 * - transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-
 *   extensions-01) for every packet of the transport, every 100 ms (Chromium's
 *   RemoteEstimatorProxy sends it every 50–250 ms depending on the rate; 100 ms is its default);
 * - a receiver report with one block per pulled SSRC every second (RFC 3550 §6.4.2; Chromium
 *   sends compound RTCP about once a second for video);
 * - a generic NACK (RFC 4585 §6.2.1) as soon as a gap in a stream's sequence numbers shows.
 *
 * On loopback nothing is lost, so a browser would send no NACK. `lossRate` drops that share
 * of pulled video packets on arrival, as if the network had, so that the SFU's retransmission
 * path (NACK → packet from its history → resend) is exercised too. A dropped packet's
 * retransmission arrives with the same sequence number; it is counted as `recovered`, and it is
 * not counted or timed as a first delivery.
 */
import {
  GenericNack,
  PacketStatus,
  RecvDelta,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtcpTransportLayerFeedback,
  RunLengthChunk,
  TransportWideCC,
  type RtcpPacket,
} from 'werift'

export const TRANSPORT_CC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01'

const TWCC_INTERVAL_MS = 100
const RR_INTERVAL_MS = 1000
/** RFC 3550: a report count is 5 bits. */
const MAX_BLOCKS_PER_RR = 31

interface StreamState {
  /** Extended (with rollovers) highest sequence number seen. */
  highest: number
  base: number
  received: number
  /** Expected/received at the last report, for the fraction lost since (RFC 3550 A.3). */
  expectedPrior: number
  receivedPrior: number
  /** Sequence numbers dropped on purpose and NACKed, waiting for their retransmission. */
  awaiting: Set<number>
}

export interface FeedbackCounters {
  nacksSent: number
  recovered: number
  twccSent: number
  rrSent: number
}

/**
 * The RTP header's one-byte extension (RFC 8285) with `id`, as a 16-bit value (transport-cc's
 * payload), or undefined. `plain` is a decrypted RTP packet.
 */
function extensionU16(plain: Buffer, id: number): number | undefined {
  if (!(plain[0]! & 0x10)) return undefined
  const at = 12 + 4 * (plain[0]! & 0x0f)
  if (plain.readUInt16BE(at) !== 0xbede) return undefined
  const end = at + 4 + 4 * plain.readUInt16BE(at + 2)
  for (let i = at + 4; i < end;) {
    const byte = plain[i]!
    if (byte === 0) {
      i++ // padding
      continue
    }
    const elementId = byte >> 4
    const length = (byte & 0x0f) + 1
    if (elementId === 15) return undefined
    if (elementId === id && length === 2) return plain.readUInt16BE(i + 1)
    i += 1 + length
  }
  return undefined
}

export interface ChromiumFeedbackOptions {
  send: (packets: RtcpPacket[]) => Promise<unknown>
  /** The SSRC the feedback is sent from (one of the client's own outgoing streams, as Chromium does). */
  senderSsrc: number
  /** The negotiated id of the transport-cc header extension, if any. */
  transportCcId: number | undefined
  lossRate: number
  isVideo: (payloadType: number) => boolean
}

export class ChromiumFeedback {
  readonly counters: FeedbackCounters = { nacksSent: 0, recovered: 0, twccSent: 0, rrSent: 0 }
  #streams = new Map<number, StreamState>()
  /** Transport sequence number (unwrapped) → arrival time, µs. */
  #arrivals: Array<[number, number]> = []
  #lastTsn = -1
  #nextBase: number | undefined
  #fbCount = 0
  #dropCounter = 0
  #timers: NodeJS.Timeout[] = []

  readonly #o: ChromiumFeedbackOptions

  constructor(options: ChromiumFeedbackOptions) {
    this.#o = options
    this.#timers.push(setInterval(() => this.#sendTwcc(), TWCC_INTERVAL_MS))
    this.#timers.push(setInterval(() => this.#sendReports(), RR_INTERVAL_MS))
  }

  stop(): void {
    for (const t of this.#timers) clearInterval(t)
  }

  /**
   * Takes one decrypted pulled RTP packet. Returns 'first' for a first delivery to count and time,
   * 'recovered' for the retransmission of a packet dropped earlier, 'dropped' when this packet is
   * the emulated loss, 'duplicate' otherwise.
   */
  onRtp(plain: Buffer): 'first' | 'recovered' | 'dropped' | 'duplicate' {
    const ssrc = plain.readUInt32BE(8)
    const seq = plain.readUInt16BE(2)
    const stream = this.#stream(ssrc, seq)
    const extended = this.#extend(stream, seq)

    if (stream.awaiting.delete(extended)) {
      this.#recordTransport(plain)
      stream.received++
      this.counters.recovered++
      return 'recovered'
    }
    if (extended <= stream.highest) return 'duplicate'
    // Emulated loss: every 1/lossRate-th video packet "never arrived"; the next one shows the gap.
    if (this.#o.lossRate > 0 && this.#o.isVideo(plain[1]! & 0x7f) && ++this.#dropCounter >= 1 / this.#o.lossRate) {
      this.#dropCounter = 0
      return 'dropped'
    }
    this.#recordTransport(plain)
    const gap: number[] = []
    for (let s = stream.highest + 1; s < extended; s++) gap.push(s)
    stream.highest = extended
    stream.received++
    if (gap.length > 0) this.#nack(ssrc, stream, gap)
    return 'first'
  }

  #stream(ssrc: number, seq: number): StreamState {
    let stream = this.#streams.get(ssrc)
    if (!stream) {
      stream = { highest: seq - 1, base: seq, received: 0, expectedPrior: 0, receivedPrior: 0, awaiting: new Set() }
      this.#streams.set(ssrc, stream)
    }
    return stream
  }

  /** The sequence number with the rollover count of the one nearest the highest seen. */
  #extend(stream: StreamState, seq: number): number {
    const cycles = stream.highest - (stream.highest & 0xffff)
    let extended = cycles + seq
    if (extended < stream.highest - 0x8000) extended += 0x10000
    else if (extended > stream.highest + 0x8000) extended -= 0x10000
    return extended
  }

  #nack(ssrc: number, stream: StreamState, lost: number[]): void {
    // Only NACK each loss once: Chromium re-NACKs after an RTT, which on loopback is never needed.
    const wire = lost.map((s) => s & 0xffff)
    this.counters.nacksSent++
    void this.#o
      .send([
        new RtcpTransportLayerFeedback({
          feedback: new GenericNack({ senderSsrc: this.#o.senderSsrc, mediaSourceSsrc: ssrc, lost: wire }),
        }),
      ])
      .catch(() => undefined)
    // The gap is now reported; its packets are awaited as retransmissions.
    for (const s of lost) stream.awaiting.add(s)
  }

  #recordTransport(plain: Buffer): void {
    if (this.#o.transportCcId === undefined) return
    const tsn = extensionU16(plain, this.#o.transportCcId)
    if (tsn === undefined) return
    // Unwrap against the last one seen (packets of one transport arrive nearly in order).
    let unwrapped = this.#lastTsn < 0 ? tsn : this.#lastTsn - (this.#lastTsn & 0xffff) + tsn
    if (this.#lastTsn >= 0 && unwrapped < this.#lastTsn - 0x8000) unwrapped += 0x10000
    if (unwrapped > this.#lastTsn) this.#lastTsn = unwrapped
    this.#arrivals.push([unwrapped, Math.round((performance.timeOrigin + performance.now()) * 1000)])
  }

  #sendTwcc(): void {
    if (this.#arrivals.length === 0) return
    const arrivals = this.#arrivals.sort((a, b) => a[0] - b[0])
    this.#arrivals = []
    // Feedback covers the transport's sequence numbers without a break: a packet lost just
    // before this window is reported as not received here.
    const first = arrivals[0]![0]
    const base =
      this.#nextBase !== undefined && first > this.#nextBase && first - this.#nextBase < 0x1000 ? this.#nextBase : first
    const last = arrivals[arrivals.length - 1]![0]
    // The reference time is in multiples of 64 ms; deltas are from it, then from each other.
    const reference = Math.floor(arrivals[0]![1] / 64_000)
    let previousUs = reference * 64_000
    const statuses: PacketStatus[] = []
    const recvDeltas: RecvDelta[] = []
    let i = 0
    for (let tsn = base; tsn <= last; tsn++) {
      if (arrivals[i]?.[0] !== tsn) {
        statuses.push(PacketStatus.TypeTCCPacketNotReceived)
        continue
      }
      const at = arrivals[i]![1]
      while (arrivals[i]?.[0] === tsn) i++ // a duplicate transport number counts once
      const delta = new RecvDelta({ delta: at - previousUs })
      delta.parseDelta()
      previousUs = at
      recvDeltas.push(delta)
      statuses.push(delta.type!)
    }
    this.#nextBase = last + 1
    const packetChunks: RunLengthChunk[] = []
    for (let s = 0; s < statuses.length;) {
      let run = 1
      while (s + run < statuses.length && statuses[s + run] === statuses[s] && run < 0x1fff) run++
      packetChunks.push(new RunLengthChunk({ packetStatus: statuses[s]!, runLength: run }))
      s += run
    }
    this.counters.twccSent++
    const firstSsrc = this.#streams.keys().next().value ?? 0
    const feedback = new TransportWideCC({
      senderSsrc: this.#o.senderSsrc,
      mediaSourceSsrc: firstSsrc,
      baseSequenceNumber: base & 0xffff,
      packetStatusCount: statuses.length,
      referenceTime: reference & 0xffffff,
      fbPktCount: this.#fbCount++ & 0xff,
      recvDeltas,
      packetChunks,
    })
    // RTCP is 32-bit aligned (RFC 3550 §6.4.1). werift pads a TWCC packet only when asked to,
    // and sets the P bit whenever asked, so ask only when the packet needs padding.
    feedback.header.padding = feedback.serialize().length % 4 !== 0
    void this.#o.send([new RtcpTransportLayerFeedback({ feedback })]).catch(() => undefined)
  }

  #sendReports(): void {
    const blocks: RtcpReceiverInfo[] = []
    for (const [ssrc, s] of this.#streams) {
      // A retransmission that never came is given up on, as a browser's NACK list does.
      for (const seq of s.awaiting) if (seq < s.highest - 1000) s.awaiting.delete(seq)
      const expected = s.highest - s.base + 1
      const lost = Math.max(0, expected - s.received)
      const expectedInterval = expected - s.expectedPrior
      const receivedInterval = s.received - s.receivedPrior
      const lostInterval = expectedInterval - receivedInterval
      s.expectedPrior = expected
      s.receivedPrior = s.received
      blocks.push(
        new RtcpReceiverInfo({
          ssrc,
          fractionLost:
            expectedInterval > 0 && lostInterval > 0 ? Math.floor((lostInterval << 8) / expectedInterval) : 0,
          packetsLost: Math.min(lost, 0x7fffff),
          highestSequence: s.highest >>> 0,
          jitter: 0,
          lsr: 0,
          dlsr: 0,
        }),
      )
    }
    for (let i = 0; i < blocks.length; i += MAX_BLOCKS_PER_RR) {
      this.counters.rrSent++
      void this.#o
        .send([new RtcpRrPacket({ ssrc: this.#o.senderSsrc, reports: blocks.slice(i, i + MAX_BLOCKS_PER_RR) })])
        .catch(() => undefined)
    }
  }
}
