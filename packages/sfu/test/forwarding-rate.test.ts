import { describe, expect, it } from 'vitest'
import { ForwardingStats, RATE_WINDOW_MS } from '../src/media/forwarding-stats.ts'

/** The rate `/stats` answers, on a clock the test holds. */
describe('the forwarding rate in /stats', () => {
  it('is unknown until a whole window has passed, then the packets of the last window per second', () => {
    const stats = new ForwardingStats()
    stats.reset(0)
    stats.packetsOut = 300
    expect(stats.snapshot(500)).toMatchObject({ packetsOut: 300, packetsPerSecond: null, windowMs: null })
    stats.packetsOut = 1000
    expect(stats.snapshot(RATE_WINDOW_MS)).toMatchObject({ packetsPerSecond: 1000, windowMs: RATE_WINDOW_MS })
    // Within the next window, readers see the last whole one's rate, not a partial one.
    stats.packetsOut = 1100
    expect(stats.snapshot(RATE_WINDOW_MS + 100)).toMatchObject({ packetsPerSecond: 1000 })
    // The next closes after 2 s of 500 packets: 250/s.
    stats.packetsOut = 1500
    expect(stats.snapshot(RATE_WINDOW_MS + 2000)).toMatchObject({ packetsPerSecond: 250, windowMs: 2000 })
    stats.reset(5000)
    expect(stats.snapshot(5100)).toMatchObject({ packetsOut: 0, packetsPerSecond: null })
  })
})
