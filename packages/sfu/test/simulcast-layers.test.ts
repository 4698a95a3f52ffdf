import { afterEach, describe, expect, it, vi } from 'vitest'
import { MediaStreamTrack, RtpHeader, RtpPacket } from 'werift'
import { PublishedTrack } from '../src/media/published-track.ts'
import { clientPeer } from './helpers/peer.ts'

afterEach(() => {
  vi.useRealTimers()
})

describe('simulcast layers of a published track', () => {
  it('counts a layer as active only while it sends, so pullers can leave a paused one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const pc = clientPeer()
    const transceiver = pc.addTransceiver('video', { direction: 'recvonly' })
    const published = new PublishedTrack({
      name: 'cam',
      sessionId: 's',
      transceiver,
      kind: 'video',
      bidirectional: false,
    })
    const layers = Object.fromEntries(
      ['a', 'b'].map((rid, i) => {
        const track = new MediaStreamTrack({ kind: 'video', rid, ssrc: 100 + i })
        transceiver.addTrack(track)
        return [rid, track]
      }),
    )
    const send = (rid: string) =>
      layers[rid]!.onReceiveRtp.execute(new RtpPacket(new RtpHeader({ ssrc: 1, sequenceNumber: 1 }), Buffer.from([1])))
    const seen: string[] = []
    published.addSink({ onPacket: (_p, rid) => seen.push(rid), onSourceClosed: () => undefined })

    const start = Date.now()
    send('a')
    send('b')
    expect(seen).toEqual(['a', 'b'])
    expect(published.rids).toEqual(['a', 'b'])
    vi.setSystemTime(start + 300)
    expect(published.activeRids()).toEqual(['a', 'b'])

    // 'a' pauses; 'b' keeps flowing.
    for (const t of [600, 900, 1200, 1500]) {
      vi.setSystemTime(start + t)
      send('b')
    }
    expect(published.activeRids()).toEqual(['b'])
    expect(published.rids).toEqual(['a', 'b'])
    published.close()
    await pc.close()
  })
})
