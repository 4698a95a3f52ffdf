const BUCKET_MS = 0.1
const BUCKETS = 1000 // 0–100 ms; slower packets land in the last bucket
/** The shortest window a forwarding rate is measured over. */
export const RATE_WINDOW_MS = 1000

/** One shard's counters as they cross to the main thread, which adds the shards' up (`combineSnapshots`). */
export interface StatsParts {
  packetsOut: number
  histogram: Uint32Array
  samples: number
  rate: { packetsPerSecond: number | null; windowMs: number | null }
}

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
  /** Where the current rate window began: time (ms, monotonic) and the counter then. */
  private windowStart = performance.now()
  private windowCount = 0
  private rate: { packetsPerSecond: number; windowMs: number } | undefined

  recordLatency(ms: number): void {
    this.histogram[Math.min(BUCKETS - 1, Math.floor(ms / BUCKET_MS))]!++
    this.samples++
  }

  /** `count` samples in bucket `index` (combining shards' histograms). */
  addBucket(index: number, count: number): void {
    this.histogram[index]! += count
    this.samples += count
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

  /**
   * Packets forwarded per second over the last whole window of at least `RATE_WINDOW_MS`,
   * closed by whichever reading comes first after it: readers (the ops overview, every second)
   * get a rate from one request, without a timer here or two readings and a wait there.
   */
  private rateAt(now: number) {
    const elapsed = now - this.windowStart
    if (elapsed >= RATE_WINDOW_MS) {
      this.rate = {
        packetsPerSecond: Math.round(((this.packetsOut - this.windowCount) * 1000) / elapsed),
        windowMs: Math.round(elapsed),
      }
      this.windowStart = now
      this.windowCount = this.packetsOut
    }
    return this.rate ?? { packetsPerSecond: null, windowMs: null }
  }

  snapshot(now = performance.now()) {
    const round = (v: number | undefined) => (v === undefined ? null : Math.round(v * 100) / 100)
    return {
      packetsOut: this.packetsOut,
      ...this.rateAt(now),
      latencyMs: { p50: round(this.percentile(0.5)), p99: round(this.percentile(0.99)), samples: this.samples },
    }
  }

  /** The counters and a copy of the histogram, for the main thread to combine with other shards'. */
  parts(now = performance.now()): StatsParts {
    return {
      packetsOut: this.packetsOut,
      histogram: this.histogram.slice(),
      samples: this.samples,
      rate: this.rateAt(now),
    }
  }

  reset(now = performance.now()): void {
    this.packetsOut = 0
    this.histogram.fill(0)
    this.samples = 0
    this.windowStart = now
    this.windowCount = 0
    this.rate = undefined
  }
}

/**
 * The machine-wide snapshot from every shard's parts: counts and rates add up, and the latency
 * percentiles come from the summed histograms (not an average of the shards' percentiles).
 */
export function combineSnapshots(parts: StatsParts[]) {
  const all = new ForwardingStats()
  for (const part of parts) {
    all.packetsOut += part.packetsOut
    for (let i = 0; i < BUCKETS; i++) {
      const n = part.histogram[i]!
      if (n > 0) all.addBucket(i, n)
    }
  }
  const rates = parts.map((p) => p.rate)
  const known = rates.every((r) => r.packetsPerSecond !== null)
  const snapshot = all.snapshot()
  return {
    ...snapshot,
    packetsPerSecond: known && rates.length > 0 ? rates.reduce((sum, r) => sum + (r.packetsPerSecond ?? 0), 0) : null,
    windowMs: known && rates.length > 0 ? Math.max(...rates.map((r) => r.windowMs ?? 0)) : null,
  }
}
