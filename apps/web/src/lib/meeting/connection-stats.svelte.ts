/** A summary of the peer connection, refreshed every couple of seconds. */
export interface StatsSummary {
  roundTripMs?: number
  inboundPacketLossPct: number
  framesDecoded: number
  bytesReceived: number
  bytesSent: number
}

export const HIGH_PACKET_LOSS_PCT = 5

export function summarize(report: RTCStatsReport): StatsSummary {
  let lost = 0
  let received = 0
  let framesDecoded = 0
  let bytesReceived = 0
  let bytesSent = 0
  let roundTripMs: number | undefined
  report.forEach((s: Record<string, unknown> & { type: string }) => {
    if (s.type === 'inbound-rtp') {
      lost += Number(s.packetsLost ?? 0)
      received += Number(s.packetsReceived ?? 0)
      framesDecoded += Number(s.framesDecoded ?? 0)
      bytesReceived += Number(s.bytesReceived ?? 0)
    } else if (s.type === 'outbound-rtp') {
      bytesSent += Number(s.bytesSent ?? 0)
    } else if (s.type === 'candidate-pair' && s.nominated && s.currentRoundTripTime !== undefined) {
      roundTripMs = Number(s.currentRoundTripTime) * 1000
    }
  })
  const total = lost + received
  return { roundTripMs, inboundPacketLossPct: total > 0 ? (lost / total) * 100 : 0, framesDecoded, bytesReceived, bytesSent }
}

/** Polls `getStats` while there is a peer connection; `summary` is the latest reading. */
export class ConnectionStats {
  summary = $state<StatsSummary>()
  #timer: ReturnType<typeof setInterval> | undefined

  watch(pc: RTCPeerConnection, everyMs = 2000) {
    this.stop()
    const read = async () => (this.summary = summarize(await pc.getStats()))
    void read()
    this.#timer = setInterval(read, everyMs)
  }

  stop() {
    clearInterval(this.#timer)
  }
}
