import { describe, expect, it } from 'vitest'
import { packetCounts, summarize, windowLossPct } from './connection-stats.svelte.ts'

const report = (...stats: Array<Record<string, unknown>>) =>
  new Map(stats.map((s) => [String(s.id), s])) as unknown as RTCStatsReport
const inbound = (id: string, packetsLost: number, packetsReceived: number) => ({
  id,
  type: 'inbound-rtp',
  packetsLost,
  packetsReceived,
})

describe('packet loss', () => {
  it('is the share lost since the previous reading, not since the start', () => {
    const before = packetCounts(report(inbound('a', 0, 10_000)))
    const now = report(inbound('a', 50, 10_050))
    expect(summarize(now, before).inboundPacketLossPct).toBe(50)
    expect(summarize(now).inboundPacketLossPct).toBeCloseTo((50 / 10_100) * 100)
  })

  it('counts a new stream from its start and ignores one that went away', () => {
    const before = packetCounts(report(inbound('a', 0, 100), inbound('gone', 0, 5_000)))
    const now = packetCounts(report(inbound('a', 0, 200), inbound('new', 10, 90)))
    expect(windowLossPct(now, before)).toBe(5)
  })

  it('never goes below zero when packetsLost falls', () => {
    const before = packetCounts(report(inbound('a', 10, 100)))
    expect(windowLossPct(packetCounts(report(inbound('a', 8, 200))), before)).toBe(0)
  })

  it('is zero when nothing was due', () => {
    const counts = packetCounts(report(inbound('a', 3, 100)))
    expect(windowLossPct(counts, counts)).toBe(0)
  })
})
