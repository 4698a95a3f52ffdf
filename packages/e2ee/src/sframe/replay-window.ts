// Refuses a counter already accepted from one sender key. Frames of several tracks can reach one
// decryptor slightly out of order, so, as SRTP's replay list (RFC 3711 §3.3.2), counters within a
// window below the highest are still accepted once each; older ones are refused.
export const REPLAY_WINDOW = 128

export class ReplayWindow {
  private highest = -1
  private readonly seen = new Set<number>()

  /** True if `ctr` may be a fresh frame. Only `record` it once the frame authenticated. */
  fresh(ctr: number): boolean {
    if (ctr > this.highest) return true
    return ctr > this.highest - REPLAY_WINDOW && !this.seen.has(ctr)
  }

  record(ctr: number): void {
    this.seen.add(ctr)
    if (ctr <= this.highest) return
    this.highest = ctr
    for (const old of this.seen) if (old <= ctr - REPLAY_WINDOW) this.seen.delete(old)
  }
}
