import { isIP } from 'node:net'
import { RtpHeader, type RtpPacket, type RTCRtpSender } from 'werift'
import { extensionSlots, headerLength, writeRtpHeader, type ExtensionSlot } from './rtp-header-writer.ts'
import { GCM_TAG_BYTES, PROFILE_AEAD_AES_128_GCM, SrtpGcmSealer } from './srtp-gcm.ts'
import { FAST_SEND_MAX_PACKET, socketFd, type FastSend, type GcmContext } from './fast-send.ts'
import { rolloverFor, type SrtpSsrcState } from './srtp-rollover.ts'
import { reportSender, type ReportedSender, type ReportTransport } from './sender-reports.ts'

/** werift's `RTP_HISTORY_SIZE`: the NACK cache is indexed by sequence number modulo this. */
const RTP_HISTORY_SIZE = 128
/** Seconds from the NTP epoch (1900) to the Unix epoch. */
const NTP_UNIX_OFFSET_S = 2_208_988_800
/**
 * Where the addon's copies get their header written: sends are synchronous, so one buffer serves
 * every sender of the thread. 256 bytes hold the fixed header and any one-byte-form extensions.
 */
const headerScratch = Buffer.alloc(256)
/** Wall-clock ms at `performance.now()` 0, read once: a getter call per copy otherwise. */
const TIME_ORIGIN_MS = performance.timeOrigin

interface SrtpContext {
  profile: number
  cipher: { srtpSessionKey: Buffer; srtpSessionSalt: Buffer }
  getSrtpSsrcState(ssrc: number): SrtpSsrcState
}
interface UdpSocket {
  send(b: Buffer, p: number, a: string): void
}
interface CandidatePair {
  remoteAddr: [string, number]
  packetsSent: number
  bytesSent: number
  protocol: {
    transport?: { type?: string; closed?: boolean; socket?: UdpSocket }
  }
}
interface DtlsTransport extends ReportTransport {
  state: string
  transportSequenceNumber: number
  bytesSent: number
  packetsSent: number
  srtp: { localContext: SrtpContext } | undefined
  iceTransport: { connection: { nominated?: CandidatePair; canSendApplicationData(): boolean } }
}
/** The fields of werift's RTCRtpSender that `dispatchRtp` reads and writes (werift 0.25). */
interface SenderInternals extends ReportedSender {
  stopped: boolean
  ssrc: number
  codec?: { payloadType: number; rtcpFeedback: ReadonlyArray<{ type: string; parameter?: string }> }
  headerExtensions: Array<{ id: number; uri: string }>
  mid?: string
  rtpStreamId?: string
  repairedRtpStreamId?: string
  redRedundantPayloadType?: number
  rtpContinuityPending: boolean
  seqOffset: number
  timestampOffset: number
  sequenceNumber?: number
  timestamp?: number
  ntpTimestamp: bigint
  rtpTimestamp: number
  octetCount: number
  packetCount: number
  headerBytesSent: number
  rtpCache: Array<Pick<RtpPacket, 'header' | 'payload'>>
  rtcpRunning: boolean
  rtcpCancel: AbortController
  dtlsTransport: DtlsTransport | undefined
}

export type LeanSendResult = 'sent' | 'dropped' | 'unsupported'

/**
 * The forwarding hot path in place of werift's `RTCRtpSender.sendRtp` for one puller's sender:
 * synchronous, no packet clone, no extension objects, header written straight into the one
 * buffer that is encrypted in place and handed to the session's UDP socket. It keeps every
 * piece of sender state werift's own path keeps and werift's other code reads — sequence
 * number and timestamp (continuity after `replaceTrack`), the SRTP rollover counter (shared with
 * werift's own sends through the same SRTP context), the transport-wide sequence number of the
 * BUNDLE, packet/octet counts and the NTP/RTP time pair for sender reports, the NACK history,
 * DTLS/ICE byte counters — so retransmissions, SR/RR and getStats stay werift's.
 * What it leaves out: werift's sender-side bandwidth estimator, which nothing here reads.
 * It declines ('unsupported') what only werift's path handles (AES-CM SRTP, RED, a pending
 * continuity rewrite, extensions in the two-byte form, TURN-relayed pairs); the caller then
 * sends through werift.
 */
export class LeanSender {
  private readonly sender: SenderInternals
  private slots: ExtensionSlot[] | undefined
  private hasTransportCc = false
  private slotsFor: { extensions: unknown; mid: string | undefined } | undefined
  private sealer: SrtpGcmSealer | undefined
  private sealerFor: SrtpContext | undefined
  private checkedPair: CandidatePair | undefined
  private directPair = false
  /** Wall-clock ms of the last lean send: the sender report's NTP time, worked out only when read. */
  private lastSentAtMs = 0
  private lastSendWasLean = false
  /** Whether `sender-reports.ts` sends this sender's reports (from its first lean send). */
  private reporting = false

  /** The native seal-and-send (`fast-send.ts`); without it, Node's cipher and `dgram`. */
  private readonly fast: FastSend | undefined
  private gcm: GcmContext | undefined
  private gcmFor: SrtpContext | undefined
  /** The checked pair's destination as a socket address, and its socket's descriptor, for the addon. */
  private address: Buffer | undefined
  private fd: number | undefined
  /** The SRTP context's rollover state of this sender's SSRC (werift keeps one object per SSRC). */
  private srtpState: SrtpSsrcState | undefined
  private srtpStateFor: { context: SrtpContext; ssrc: number } | undefined

  constructor(sender: RTCRtpSender, fast?: FastSend) {
    const internals = sender as unknown as SenderInternals
    this.sender = internals
    this.fast = fast
  }

  /** What sender reports read (`sender-reports.ts`): werift's sender. */
  get reportedSender(): ReportedSender {
    return this.sender
  }

  /**
   * The sender report's NTP time: the last lean send's, worked out here once a second rather than
   * on every packet as werift's path does (a bigint built through string formatting); werift's
   * own value after a send this class declined. Not a getter on werift's sender: redefining one
   * of its fields drops the object into V8's slow dictionary properties, for every read after.
   */
  ntpTime(): bigint {
    return this.lastSendWasLean ? ntpFromUnixMs(this.lastSentAtMs) : this.sender.ntpTimestamp
  }

  /**
   * Sends one packet whose sequence number and timestamp are already in this puller's space
   * (werift's sender offsets, non-zero only after a `replaceTrack`, still apply).
   */
  send(marker: boolean, sequenceNumber: number, timestamp: number, payload: Buffer): LeanSendResult {
    const result = this.sendLean(marker, sequenceNumber, timestamp, payload)
    // werift's path sends this one, and sets the NTP time its reports give.
    if (result === 'unsupported') this.lastSendWasLean = false
    return result
  }

  private sendLean(marker: boolean, sequenceNumber: number, timestamp: number, payload: Buffer): LeanSendResult {
    const sender = this.sender
    const dtls = sender.dtlsTransport
    const codec = sender.codec
    if (sender.stopped || dtls?.state !== 'connected' || !codec) return 'dropped'
    const context = dtls.srtp?.localContext
    if (!context || context.profile !== PROFILE_AEAD_AES_128_GCM) return 'unsupported'
    if (sender.rtpContinuityPending || sender.redRedundantPayloadType !== undefined) return 'unsupported'
    const slots = this.extensionSlots()
    if (!slots) return 'unsupported'
    const connection = dtls.iceTransport.connection
    if (!connection.canSendApplicationData()) return 'dropped'
    const pair = connection.nominated!
    const transport = pair.protocol.transport
    if (pair !== this.checkedPair) {
      // A plain UDP pair with a literal address (no TURN relay, no name to resolve): checked once per pair.
      this.checkedPair = pair
      this.directPair = transport?.type === 'udp' && !!transport.socket && isIP(pair.remoteAddr[0]) !== 0
      const fast = this.directPair ? this.fast : undefined
      this.address = fast?.socketAddress(pair.remoteAddr[0], pair.remoteAddr[1])
      // Read once per pair: werift closes the pair's socket only with its transport (`closed` below).
      this.fd = fast ? socketFd(transport!.socket!) : undefined
    }
    if (!this.directPair || !transport?.socket) return 'unsupported'
    if (transport.closed) return 'dropped'

    const ssrc = sender.ssrc
    const payloadType = codec.payloadType
    const seq = (sequenceNumber + sender.seqOffset) & 0xffff
    const ts = (timestamp + sender.timestampOffset) >>> 0
    sender.sequenceNumber = seq
    sender.timestamp = ts
    if (this.hasTransportCc) dtls.transportSequenceNumber = (dtls.transportSequenceNumber + 1) & 0xffff
    const nowMs = TIME_ORIGIN_MS + performance.now()

    const length = headerLength(slots)
    const sealedLength = length + payload.length + GCM_TAG_BYTES
    // The addon seals into a stack buffer: a larger packet (no browser sends one) takes Node's path.
    const fast = sealedLength <= FAST_SEND_MAX_PACKET ? this.fast : undefined
    const fd = this.fd
    if (fast && fd === undefined) return 'dropped' // the socket closed under werift's transport
    const out = fast ? headerScratch : Buffer.allocUnsafe(sealedLength)
    writeRtpHeader(
      out,
      {
        marker,
        payloadType,
        sequenceNumber: seq,
        timestamp: ts,
        ssrc,
        transportSequenceNumber: dtls.transportSequenceNumber,
        absSendTime: absSendTime(nowMs),
      },
      slots,
    )
    const roc = rolloverFor(this.srtpStateOf(context, ssrc), seq)
    let delivered = true
    if (fast) {
      const sent = fast.sealSend(this.gcmFor_(fast, context), out, length, payload, ssrc, roc, seq, fd!, this.address!)
      // A full socket buffer (EAGAIN/ENOBUFS) loses the copy as a congested link would; the
      // puller's NACK gets it back from the history below, as with any loss.
      delivered = sent === sealedLength
    } else {
      this.sealerFor_(context).seal(out, length, payload, ssrc, roc, seq)
    }

    // What werift's dispatchRtp and the DTLS/ICE layers below it count.
    this.lastSentAtMs = nowMs
    this.lastSendWasLean = true
    sender.rtpTimestamp = ts
    sender.octetCount += payload.length
    sender.headerBytesSent += length
    sender.packetCount = (sender.packetCount + 1) >>> 0
    // The NACK history werift's sender answers from, kept only where the puller negotiated NACK
    // (video): retransmissions resend it without the per-send extensions.
    if (this.keepsHistory(codec)) {
      sender.rtpCache[seq % RTP_HISTORY_SIZE] = new HistoryEntry(marker, payloadType, seq, ts, ssrc, payload)
    }
    if (!fast) transport.socket.send(out, pair.remoteAddr[1], pair.remoteAddr[0])
    if (!this.reporting) {
      // Sender reports from the first send, as werift starts them, but in one compound packet
      // per puller (`sender-reports.ts`); `rtcpRunning` keeps werift's own loop from starting,
      // and one its path started (sends declined before) stops: it would report a stale NTP time.
      this.reporting = true
      if (sender.rtcpRunning) sender.rtcpCancel.abort()
      sender.rtcpRunning = true
      reportSender(this)
    }
    if (!delivered) return 'dropped'
    dtls.bytesSent += sealedLength
    dtls.packetsSent++
    pair.packetsSent++
    pair.bytesSent += sealedLength
    return 'sent'
  }

  private historyFor: object | undefined
  private history = false
  private keepsHistory(codec: NonNullable<SenderInternals['codec']>): boolean {
    if (this.historyFor !== codec) {
      this.historyFor = codec
      this.history = codec.rtcpFeedback.some((fb) => fb.type === 'nack' && !fb.parameter)
    }
    return this.history
  }

  private extensionSlots(): ExtensionSlot[] | undefined {
    const sender = this.sender
    const key = this.slotsFor
    if (!key || key.extensions !== sender.headerExtensions || key.mid !== sender.mid) {
      this.slots = extensionSlots(sender)
      this.hasTransportCc = !!this.slots?.some((slot) => slot.kind === 'transport-cc')
      this.slotsFor = { extensions: sender.headerExtensions, mid: sender.mid }
    }
    return this.slots
  }

  private srtpStateOf(context: SrtpContext, ssrc: number): SrtpSsrcState {
    const key = this.srtpStateFor
    if (key?.context !== context || key.ssrc !== ssrc) {
      this.srtpState = context.getSrtpSsrcState(ssrc)
      this.srtpStateFor = { context, ssrc }
    }
    return this.srtpState!
  }

  /** The addon's cipher context, following the SRTP context as the sealer below does. */
  private gcmFor_(fast: FastSend, context: SrtpContext): GcmContext {
    if (this.gcmFor !== context) {
      this.gcm = fast.gcm(context.cipher.srtpSessionKey, context.cipher.srtpSessionSalt)
      this.gcmFor = context
    }
    return this.gcm!
  }

  /** A DTLS restart gives the transport a new SRTP context, so the sealer follows it. */
  private sealerFor_(context: SrtpContext): SrtpGcmSealer {
    if (this.sealerFor !== context) {
      this.sealer = new SrtpGcmSealer(context.cipher.srtpSessionKey, context.cipher.srtpSessionSalt)
      this.sealerFor = context
    }
    return this.sealer!
  }
}

/**
 * A NACK history entry as werift's sender reads one (`header`, `payload`, as an `RtpPacket`):
 * the `RtpHeader` — sixteen fields, two arrays and an `Object.assign` — is made only when a NACK
 * asks for this packet, not for every video copy.
 */
class HistoryEntry {
  readonly payload: Buffer
  private readonly marker: boolean
  private readonly payloadType: number
  private readonly sequenceNumber: number
  private readonly timestamp: number
  private readonly ssrc: number
  private made: RtpHeader | undefined

  constructor(
    marker: boolean,
    payloadType: number,
    sequenceNumber: number,
    timestamp: number,
    ssrc: number,
    payload: Buffer,
  ) {
    this.marker = marker
    this.payloadType = payloadType
    this.sequenceNumber = sequenceNumber
    this.timestamp = timestamp
    this.ssrc = ssrc
    this.payload = payload
  }

  get header(): RtpHeader {
    const { marker, payloadType, sequenceNumber, timestamp, ssrc } = this
    return (this.made ??= new RtpHeader({ marker, payloadType, sequenceNumber, timestamp, ssrc }))
  }
}

/** RFC 5905 64-bit NTP time (seconds since 1900, 32.32 fixed point) of a Unix time in ms. */
export function ntpFromUnixMs(ms: number): bigint {
  const seconds = ms / 1000 + NTP_UNIX_OFFSET_S
  const whole = Math.floor(seconds)
  return (BigInt(whole) << 32n) | BigInt(Math.floor((seconds - whole) * 2 ** 32))
}

/** abs-send-time: NTP seconds in 6.18 fixed point, 24 bits. */
export function absSendTime(unixMs: number): number {
  return Math.floor((unixMs / 1000 + NTP_UNIX_OFFSET_S) * 262_144) % 16_777_216
}
