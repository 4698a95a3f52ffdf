const BUCKET_MS = 0.1
const BUCKETS = 1000 // 0–100 ms; slower packets land in the last bucket

/**
 * Counters and a latency histogram for forwarded packets, one sample per forwarded copy:
 * from the moment werift hands the SFU a decrypted publisher packet (PublishedTrack's
 * receive handler) to the moment that puller's encrypted copy has been handed to the
 * socket. A copy's sample therefore holds the work done for the pullers served before
 * it in the fan-out and any event-loop queueing between the two; it leaves out the
 * publisher packet's socket queueing and werift's SRTP decrypt before the handler.
 * Fixed buckets keep recording allocation-free.
 */
export class ForwardingStats {
  packetsOut = 0
  private readonly histogram = new Uint32Array(BUCKETS)
  private samples = 0

  recordLatency(ms: number): void {
    this.histogram[Math.min(BUCKETS - 1, Math.floor(ms / BUCKET_MS))]!++
    this.samples++
  }

  percentile(p: number): number | undefined {
    if (this.samples === 0) return undefined
    const target = Math.ceil(this.samples * p)
    let seen = 0
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.histogram[i]!
      if (seen >= target) return (i + 1) * BUCKET_MS
    }
    return BUCKETS * BUCKET_MS
  }

  snapshot() {
    const round = (v: number | undefined) => (v === undefined ? null : Math.round(v * 100) / 100)
    return {
      packetsOut: this.packetsOut,
      latencyMs: { p50: round(this.percentile(0.5)), p99: round(this.percentile(0.99)), samples: this.samples },
    }
  }

  reset(): void {
    this.packetsOut = 0
    this.histogram.fill(0)
    this.samples = 0
  }
}
