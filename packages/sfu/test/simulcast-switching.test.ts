import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSfu } from '../src/server.ts'
import { clientFor, startTestSfu } from './helpers/sfu.ts'
import { pull, type Received } from './helpers/peer.ts'
import { SimulcastPublisher } from './helpers/simulcast-publisher.ts'
import { waitFor } from './helpers/wait.ts'

let sfu: RunningSfu
beforeAll(async () => {
  sfu = await startTestSfu()
})
afterAll(() => sfu.close())

/** Forward distance with 16-bit wrap-around. */
const seqStep = (a: number, b: number) => ((b - a + 0x8000) & 0xffff) - 0x8000
const tsStep = (a: number, b: number) => ((b - a + 2 ** 31) >>> 0) - 2 ** 31

/** Tags of the layers (1 = "a", 2 = "b", 3 = "c") in the order they reached the puller, repeats collapsed. */
const runs = (record: Received) => record.tagSeq.filter((tag, i, all) => i === 0 || all[i - 1] !== tag)

describe('simulcast layer switching', () => {
  it('switches on a keyframe of the new layer, keeping sequence numbers and timestamps continuous', async () => {
    const api = clientFor(sfu)
    const camera = await new SimulcastPublisher().publish(api, 'cam')
    const viewer = await pull(api, [
      { sessionId: camera.sessionId, trackName: 'cam', simulcast: { preferredRid: 'c' } },
    ])
    const mid = viewer.mids.get('cam')!
    const got = () => viewer.received.get(mid)!
    await waitFor(() => got().seqs.length >= 20, 'the lowest layer reaching the viewer')
    expect(runs(got())).toEqual([3])

    const update = await api.updateTracks(viewer.sessionId, {
      tracks: [
        { location: 'remote', mid, sessionId: camera.sessionId, trackName: 'cam', simulcast: { preferredRid: 'a' } },
      ],
    })
    expect(update.tracks?.[0]?.errorCode).toBeUndefined()
    await waitFor(() => got().tagSeq.filter((t) => t === 1).length >= 20, 'the best layer reaching the viewer')

    const record = got()
    // One switch, no going back and forth, and no packet of the old layer after it.
    expect(runs(record)).toEqual([3, 1])
    const at = record.tagSeq.indexOf(1)
    // The first packet of the new layer is a keyframe: the decoder has its reference.
    expect(record.keyframes[at]).toBe(true)
    // Across the switch: the next sequence number, and a timestamp a frame or so later.
    for (let i = 1; i < record.seqs.length; i++) {
      expect(seqStep(record.seqs[i - 1]!, record.seqs[i]!), `seq step at packet ${i}`).toBe(1)
      const step = tsStep(record.timestamps[i - 1]!, record.timestamps[i]!)
      expect(step, `timestamp step at packet ${i}`).toBeGreaterThan(0)
      expect(step, `timestamp step at packet ${i}`).toBeLessThanOrEqual(3000)
    }
    expect(new Set(record.ssrcs).size).toBe(1)
    await viewer.close()
    await camera.close()
  })

  it('follows ridNotAvailable when the preferred layer pauses: the next one down, or nothing', async () => {
    const api = clientFor(sfu)
    const camera = await new SimulcastPublisher().publish(api, 'cam')
    const stepDown = await pull(api, [
      {
        sessionId: camera.sessionId,
        trackName: 'cam',
        simulcast: { preferredRid: 'a', ridNotAvailable: 'asciibetical' },
      },
    ])
    const wait = await pull(api, [{ sessionId: camera.sessionId, trackName: 'cam', simulcast: { preferredRid: 'a' } }])
    const of = (p: typeof wait) => p.received.get(p.mids.get('cam')!)!
    await waitFor(() => of(stepDown).seqs.length >= 10 && of(wait).seqs.length >= 10, 'both viewers on layer "a"')

    camera.sending.delete('a')
    await waitFor(() => of(stepDown).tagSeq.filter((t) => t === 2).length >= 10, 'the step-down viewer on layer "b"')
    const waited = of(wait).seqs.length
    expect(runs(of(stepDown))).toEqual([1, 2])
    // Well past the second that marks a layer paused, the other viewer has had nothing more.
    const sentB = camera.sent.get('b')!
    await waitFor(() => camera.sent.get('b')! > sentB + 40, 'layer "b" sending on')
    expect(of(wait).seqs.length - waited).toBeLessThan(5)
    expect(runs(of(wait))).toEqual([1])

    // Back again: both return to it at its keyframe.
    camera.sending.add('a')
    await waitFor(() => of(stepDown).tagSeq.at(-1) === 1 && of(wait).seqs.length > waited + 10, 'both back on "a"')
    expect(runs(of(stepDown))).toEqual([1, 2, 1])
    await stepDown.close()
    await wait.close()
    await camera.close()
  })
})
