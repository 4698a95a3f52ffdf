import {
  compactNtp,
  RtcpSenderInfo,
  RtcpSourceDescriptionPacket,
  RtcpSrPacket,
  SourceDescriptionChunk,
  SourceDescriptionItem,
  timestampSeconds,
  type RtcpPacket,
} from 'werift'

/** The transport a puller's senders share (werift's `RTCDtlsTransport`: the session's BUNDLE). */
export interface ReportTransport {
  state: string
  sendRtcp(packets: RtcpPacket[]): Promise<void>
}

/** The fields of werift's `RTCRtpSender` its own `runRtcp` reads and writes (werift 0.25). */
export interface ReportedSender {
  stopped: boolean
  ssrc: number
  cname?: string | undefined
  rtpTimestamp: number
  packetCount: number
  octetCount: number
  /** Matched against a receiver report's LSR for the round-trip time werift's getStats gives. */
  lastSRtimestamp: number
  lastSentSRTimestamp: number
  dtlsTransport: ReportTransport | undefined
}

/** A sender whose reports this module sends: werift's sender, and the NTP time of its last send. */
export interface ReportSource {
  readonly reportedSender: ReportedSender
  ntpTime(): bigint
}

/**
 * Bytes of RTCP per compound packet, before SRTCP's 20: well inside one datagram. An SR is 28 bytes,
 * an SDES chunk 8 plus the CNAME (werift's is 36 characters), so a compound carries about twelve.
 */
const COMPOUND_BYTES = 1000

const groups = new WeakMap<ReportTransport, SenderReports>()

/**
 * Sends `sender`'s RTCP sender reports from now on, in one compound packet with those of every
 * other sender of its transport (RFC 3550 §6.1; RFC 8108 §5.3 for several SSRCs in one).
 * werift's sender runs a timer, builds, encrypts and sends an SR and an SDES of its own for every
 * stream, a second apart: a puller of eleven people got 22 of them a second, each with its promise
 * timer and its SRTCP cipher. The contents and the 0.5–1.5 s interval stay werift's.
 */
export function reportSender(source: ReportSource): void {
  const transport = source.reportedSender.dtlsTransport
  if (!transport) return
  let group = groups.get(transport)
  if (!group) {
    group = new SenderReports(transport)
    groups.set(transport, group)
  }
  group.add(source)
}

class SenderReports {
  private readonly transport: ReportTransport
  private readonly senders = new Set<ReportSource>()
  private timer: NodeJS.Timeout | undefined

  constructor(transport: ReportTransport) {
    this.transport = transport
  }

  add(source: ReportSource): void {
    this.senders.add(source)
    this.timer ??= this.schedule()
  }

  private schedule(): NodeJS.Timeout {
    // Not what keeps the process up: a closing SFU closes the transports, and this stops with them.
    return setTimeout(() => this.report(), 500 + Math.random() * 1000).unref()
  }

  private report(): void {
    this.timer = undefined
    const closed = this.transport.state === 'closed' || this.transport.state === 'failed'
    const due: ReportSource[] = []
    for (const source of this.senders) {
      const sender = source.reportedSender
      if (sender.stopped) {
        this.senders.delete(source)
      } else if (sender.dtlsTransport !== this.transport) {
        // A DTLS restart gave the sender a new transport: its reports go there.
        this.senders.delete(source)
        reportSender(source)
      } else if (!closed) {
        due.push(source)
      }
    }
    if (closed || this.senders.size === 0) {
      groups.delete(this.transport)
      return
    }
    let batch: ReportSource[] = []
    let bytes = 4 // the SDES header
    for (const source of due) {
      const cname = source.reportedSender.cname
      const size = 28 + (cname ? 8 + Buffer.byteLength(cname) : 0)
      if (batch.length > 0 && bytes + size > COMPOUND_BYTES) {
        this.send(batch)
        batch = []
        bytes = 4
      }
      batch.push(source)
      bytes += size
    }
    this.send(batch)
    this.timer = this.schedule()
  }

  private send(senders: ReportSource[]): void {
    // A failed send is a lost report, as werift's own loop treats it; the next one follows.
    this.transport.sendRtcp(compound(senders)).catch(() => undefined)
  }
}

/** SRs first, then one SDES with each sender's CNAME, as werift's sender writes them one stream at a time. */
function compound(senders: ReportSource[]): RtcpPacket[] {
  const now = timestampSeconds()
  const packets: RtcpPacket[] = []
  const chunks: SourceDescriptionChunk[] = []
  for (const source of senders) {
    const sender = source.reportedSender
    const ntpTimestamp = source.ntpTime()
    packets.push(
      new RtcpSrPacket({
        ssrc: sender.ssrc,
        senderInfo: new RtcpSenderInfo({
          ntpTimestamp,
          rtpTimestamp: sender.rtpTimestamp,
          packetCount: sender.packetCount,
          octetCount: sender.octetCount,
        }),
      }),
    )
    sender.lastSRtimestamp = compactNtp(ntpTimestamp)
    sender.lastSentSRTimestamp = now
    if (sender.cname) {
      chunks.push(
        new SourceDescriptionChunk({
          source: sender.ssrc,
          items: [new SourceDescriptionItem({ type: 1, text: sender.cname })],
        }),
      )
    }
  }
  if (chunks.length > 0) packets.push(new RtcpSourceDescriptionPacket({ chunks }))
  return packets
}
