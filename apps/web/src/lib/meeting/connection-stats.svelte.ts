/** A summary of the peer connection, refreshed every couple of seconds. */
export interface StatsSummary {
  roundTripMs?: number
  /** Of the inbound packets due since the previous reading (since the start, for a first one). */
  inboundPacketLossPct: number
  framesDecoded: number
  bytesReceived: number
  bytesSent: number
}

export const HIGH_PACKET_LOSS_PCT = 5

/** Packets lost and received so far on each inbound stream, by stats id. */
export type PacketCounts = Readonly<Record<string, { lost: number; received: number }>>

type Stat = Record<string, unknown> & { type: string; id: string }

export function packetCounts(report: RTCStatsReport): PacketCounts {
  const counts: Record<string, { lost: number; received: number }> = {}
  report.forEach((s: Stat) => {
    if (s.type !== 'inbound-rtp') return
    counts[s.id] = { lost: Number(s.packetsLost ?? 0), received: Number(s.packetsReceived ?? 0) }
  })
  return counts
}

/**
 * Loss over the window between two readings, stream by stream: a running total would hide a
 * bad minute behind a good hour. A stream that is new counts from its start; one that went
 * away (a track unpulled) counts for nothing.
 */
export function windowLossPct(now: PacketCounts, before?: PacketCounts): number {
  let lost = 0
  let due = 0
  for (const [id, c] of Object.entries(now)) {
    const b = before?.[id] ?? { lost: 0, received: 0 }
    // packetsLost can fall (late or duplicate packets); a window never loses fewer than none.
    const windowLost = Math.max(0, c.lost - b.lost)
    lost += windowLost
    due += windowLost + Math.max(0, c.received - b.received)
  }
  return due > 0 ? (lost / due) * 100 : 0
}

export function summarize(report: RTCStatsReport, before?: PacketCounts): StatsSummary {
  let framesDecoded = 0
  let bytesReceived = 0
  let bytesSent = 0
  let roundTripMs: number | undefined
  report.forEach((s: Stat) => {
    if (s.type === 'inbound-rtp') {
      framesDecoded += Number(s.framesDecoded ?? 0)
      bytesReceived += Number(s.bytesReceived ?? 0)
    } else if (s.type === 'outbound-rtp') {
      bytesSent += Number(s.bytesSent ?? 0)
    } else if (s.type === 'candidate-pair' && s.nominated && s.currentRoundTripTime !== undefined) {
      roundTripMs = Number(s.currentRoundTripTime) * 1000
    }
  })
  const inboundPacketLossPct = windowLossPct(packetCounts(report), before)
  return { roundTripMs, inboundPacketLossPct, framesDecoded, bytesReceived, bytesSent }
}

/** Polls `getStats` on one peer connection at a time; `summary` is the latest reading. */
export class ConnectionStats {
  summary = $state<StatsSummary>()
  #timer: ReturnType<typeof setInterval> | undefined
  #watching: RTCPeerConnection | undefined

  watch(pc: RTCPeerConnection, everyMs = 2000) {
    this.stop()
    this.#watching = pc
    let before: PacketCounts | undefined
    const read = async () => {
      const report = await pc.getStats().catch(() => undefined)
      // A reading that lands after stop() or a newer watch() belongs to a connection we left.
      if (!report || this.#watching !== pc) return
      this.summary = summarize(report, before)
      before = packetCounts(report)
    }
    void read()
    this.#timer = setInterval(read, everyMs)
  }

  stop() {
    clearInterval(this.#timer)
    this.#watching = undefined
    // A reading of a connection we no longer watch must not keep a warning up.
    this.summary = undefined
  }
}
