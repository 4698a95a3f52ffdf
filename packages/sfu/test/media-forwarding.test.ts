import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSfu } from '../src/server.ts'
import { clientFor, startTestSfu } from './helpers/sfu.ts'
import { publish, pull, type Received } from './helpers/peer.ts'
import { waitFor } from './helpers/wait.ts'

let sfu: RunningSfu
beforeAll(async () => {
  sfu = await startTestSfu()
})
afterAll(() => sfu.close())

/** Forward distance with 16-bit wrap-around; positive means `b` comes after `a`. */
const seqDistance = (a: number, b: number) => ((b - a + 0x8000) & 0xffff) - 0x8000

function expectMonotonic(record: Received) {
  for (let i = 1; i < record.seqs.length; i++) {
    expect(seqDistance(record.seqs[i - 1]!, record.seqs[i]!)).toBeGreaterThan(0)
  }
}

describe('push → pull forwarding', () => {
  it('forwards Opus and VP8 with correct payloads and rewritten, monotonic sequence numbers', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [
      { name: 'mic', kind: 'audio', tag: 1 },
      { name: 'cam-video', kind: 'video', tag: 2 },
    ])
    const b = await pull(api, [
      { sessionId: a.sessionId, trackName: 'mic' },
      { sessionId: a.sessionId, trackName: 'cam-video' },
    ])
    const audio = () => b.received.get(b.mids.get('mic')!)!
    const video = () => b.received.get(b.mids.get('cam-video')!)!
    await waitFor(
      () => audio().seqs.length >= 30 && video().seqs.length >= 15,
      () => `B receiving both tracks (so far ${audio().seqs.length} audio, ${video().seqs.length} video)`,
    )

    expect([...audio().tags]).toEqual([1])
    expect([...video().tags]).toEqual([2])
    expectMonotonic(audio())
    expectMonotonic(video())
    // Payloads arrive intact and in the publisher's order (its counter is in each one).
    for (const record of [audio(), video()]) {
      expect(record.counters).toEqual([...record.counters].sort((x, y) => x - y))
    }
    // Each pulled stream has its own SSRC, distinct from the publisher's.
    const publisherSsrcs = [...a.transceivers.values()].map((t) => t.sender.ssrc)
    expect(audio().ssrcs.size).toBe(1)
    expect(video().ssrcs.size).toBe(1)
    expect(publisherSsrcs).not.toContain([...audio().ssrcs][0])
    expect([...audio().ssrcs][0]).not.toBe([...video().ssrcs][0])
    await b.close()
    await a.close()
  })

  it('pushes and pulls on one peer connection, the way partytracks uses a session', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [{ name: 'mic', kind: 'audio', tag: 11 }])
    const b = await publish(api, [{ name: 'mic', kind: 'audio', tag: 12 }])
    // Each pulls the other into its own, already publishing session.
    const aPulls = await pull(api, [{ sessionId: b.sessionId, trackName: 'mic' }], {
      pc: a.pc,
      sessionId: a.sessionId,
      received: new Map(),
      mids: new Map(),
    })
    const bPulls = await pull(api, [{ sessionId: a.sessionId, trackName: 'mic' }], {
      pc: b.pc,
      sessionId: b.sessionId,
      received: new Map(),
      mids: new Map(),
    })
    const heardByA = () => aPulls.received.get(aPulls.mids.get('mic')!)!
    const heardByB = () => bPulls.received.get(bPulls.mids.get('mic')!)!
    await waitFor(() => heardByA().seqs.length >= 10 && heardByB().seqs.length >= 10, 'both hearing each other')
    expect([...heardByA().tags]).toEqual([12])
    expect([...heardByB().tags]).toEqual([11])
    const state = await api.getSession(a.sessionId)
    expect(state.tracks.map((t) => [t.location, t.trackName, t.status])).toEqual([
      ['local', 'mic', 'active'],
      ['remote', 'mic', 'active'],
    ])
    await a.close()
    await b.close()
  })
})
