import {
  PacketStatus,
  RecvDelta,
  RtcpHeader,
  RtcpTransportLayerFeedback,
  RTP_EXTENSION_URI,
  RunLengthChunk,
  TransportWideCC,
  type RTCPeerConnection,
  type RtpPacket,
} from 'werift'

interface Router {
  extIdUriMap: Record<number, string>
  routeRtp: (packet: RtpPacket) => void
}

/** How often arrivals are reported: libwebrtc's receivers report every 50–100 ms. */
const FEEDBACK_INTERVAL_MS = 50
/** One feedback covers at most this many sequence numbers (its count field is 16 bits; keep it small). */
const MAX_SPAN = 4096
/** RFC 8888's predecessor (draft-holmer-rmcat-transport-wide-cc-extensions-01): deltas count 250 µs. */
const DELTA_UNIT_US = 250
const REFERENCE_UNIT_US = 64_000

const nowUs = () => Math.round(performance.now() * 1000)

/**
 * One transport-wide congestion control feedback stream per peer connection, covering every RTP
 * packet the BUNDLE transport receives. werift keeps one per receiver instead, each reporting only
 * its own packets and counting the others' sequence numbers (the other kind's, another simulcast
 * layer's once it is mapped elsewhere) as received with made-up deltas: Chromium's bandwidth
 * estimate of a publisher then stays near its start, too low for more than its lowest simulcast
 * layer. The transport-cc extension is taken off each packet here, so werift's own feedback never
 * starts. Returns the function that stops it.
 */
export function sendTransportFeedback(pc: RTCPeerConnection): () => void {
  const router = (pc as unknown as { router: Router }).router
  const arrivals = new Map<number, number>()
  let highest: number | undefined
  /** The next sequence number to report (unwrapped). */
  let next: number | undefined
  let feedbackCount = 0
  let mediaSsrc = 0

  const original = router.routeRtp
  router.routeRtp = (packet) => {
    // Every id the BUNDLE maps to transport-cc: a sender may number each kind's extensions apart.
    const ids = Object.entries(router.extIdUriMap)
      .filter(([, uri]) => uri === RTP_EXTENSION_URI.transportWideCC)
      .map(([id]) => Number(id))
    const extension = packet.header.extensions.find((e) => ids.includes(e.id))
    if (extension && extension.payload.length >= 2) {
      const seq = unwrap(extension.payload.readUInt16BE(0), highest)
      if (next === undefined || seq >= next) arrivals.set(seq, nowUs())
      if (highest === undefined || seq > highest) highest = seq
      next ??= seq
      mediaSsrc = packet.header.ssrc
      packet.header.extensions = packet.header.extensions.filter((e) => e !== extension)
    }
    original(packet)
  }

  const timer = setInterval(() => {
    if (next === undefined || highest === undefined || arrivals.size === 0) return
    const transport = pc.dtlsTransports.find((t) => t.state === 'connected')
    if (!transport) return
    const base = Math.max(next, highest - MAX_SPAN + 1)
    const feedback = build(base, highest, arrivals, feedbackCount, mediaSsrc)
    for (const seq of arrivals.keys()) if (seq <= highest) arrivals.delete(seq)
    next = highest + 1
    feedbackCount = (feedbackCount + 1) & 0xff
    transport.sendRtcp([feedback]).catch(() => undefined)
  }, FEEDBACK_INTERVAL_MS)
  timer.unref()
  return () => clearInterval(timer)
}

/** A 16-bit sequence number placed next to the highest seen so far, so counting never wraps. */
function unwrap(seq: number, highest: number | undefined): number {
  if (highest === undefined) return seq + 0x10000
  const delta = ((seq - (highest & 0xffff) + 0x8000) & 0xffff) - 0x8000
  return highest + delta
}

/** The feedback for sequence numbers `base`..`last`: run-length status chunks, then the received ones' deltas. */
function build(
  base: number,
  last: number,
  arrivals: Map<number, number>,
  feedbackCount: number,
  mediaSsrc: number,
): RtcpTransportLayerFeedback {
  const firstArrival = Math.min(...[...arrivals.entries()].filter(([s]) => s >= base && s <= last).map(([, t]) => t))
  const referenceUnits = Math.floor(firstArrival / REFERENCE_UNIT_US)
  let previous = referenceUnits * REFERENCE_UNIT_US
  const statuses: number[] = []
  const recvDeltas: RecvDelta[] = []
  for (let seq = base; seq <= last; seq++) {
    const at = arrivals.get(seq)
    if (at === undefined) {
      statuses.push(PacketStatus.TypeTCCPacketNotReceived)
      continue
    }
    // Whole units from the previous arrival, so rounding never drifts; outside int16, clamped.
    const units = Math.max(-0x8000, Math.min(0x7fff, Math.round((at - previous) / DELTA_UNIT_US)))
    previous += units * DELTA_UNIT_US
    const type =
      units >= 0 && units <= 0xff
        ? PacketStatus.TypeTCCPacketReceivedSmallDelta
        : PacketStatus.TypeTCCPacketReceivedLargeDelta
    statuses.push(type)
    recvDeltas.push(new RecvDelta({ type, delta: units * DELTA_UNIT_US }))
  }
  const packetChunks: RunLengthChunk[] = []
  for (let i = 0; i < statuses.length;) {
    let run = 1
    while (i + run < statuses.length && statuses[i + run] === statuses[i] && run < 0x1fff) run++
    packetChunks.push(new RunLengthChunk({ packetStatus: statuses[i]!, runLength: run }))
    i += run
  }
  // 16 fixed bytes, 2 per chunk, 1 or 2 per delta; RTCP needs whole 32-bit words.
  const size =
    16 +
    2 * packetChunks.length +
    recvDeltas.reduce((n, d) => n + (d.type === PacketStatus.TypeTCCPacketReceivedSmallDelta ? 1 : 2), 0)
  const header = new RtcpHeader({ type: 205, count: TransportWideCC.count, version: 2, padding: size % 4 !== 0 })
  return new RtcpTransportLayerFeedback({
    feedback: new TransportWideCC({
      header,
      senderSsrc: 1,
      mediaSourceSsrc: mediaSsrc,
      baseSequenceNumber: base & 0xffff,
      packetStatusCount: last - base + 1,
      referenceTime: referenceUnits & 0xffffff,
      fbPktCount: feedbackCount,
      packetChunks,
      recvDeltas,
    }),
  })
}
