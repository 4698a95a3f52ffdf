import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSfu } from '../src/server.ts'
import { section } from './helpers/sdp.ts'
import { clientFor, startTestSfu } from './helpers/sfu.ts'

/**
 * Chromium's offer for a camera with three simulcast encodings: the single-encoding fixture's
 * video section with its SSRC lines replaced by rids, as Chromium writes it for
 * `sendEncodings: [{rid:'a'}, {rid:'b'}, {rid:'c'}]`.
 */
function chromiumSimulcastOffer(): string {
  const single = readFileSync(new URL('./fixtures/chromium-offer.sdp', import.meta.url), 'utf8')
  const [head, audio, video] = single.split(/(?=^m=)/m) as [string, string, string]
  const kept = video.split('\r\n').filter((line) => line && !/^a=ssrc/.test(line))
  const rids = ['a=rid:a send', 'a=rid:b send', 'a=rid:c send', 'a=simulcast:send a;b;c']
  return head + audio + [...kept, ...rids].join('\r\n') + '\r\n'
}

let sfu: RunningSfu
beforeAll(async () => {
  // No peer stands behind the Chromium offer, so the session never connects: the operations that
  // would wait for its transport must not (SFU_TRANSPORT_WAIT_MS=0), as in browser-sdp.test.ts.
  sfu = await startTestSfu({ transportWaitMs: 0 })
})
afterAll(() => sfu.close())

describe('a simulcast publisher in the offers the SFU makes', () => {
  it('keeps its a=rid and a=simulcast lines in every SFU offer, or Chromium stops sending all but one layer', async () => {
    const api = clientFor(sfu)
    const { sessionId } = await api.newSession()
    const push = await api.newTracks(sessionId, {
      sessionDescription: { type: 'offer', sdp: chromiumSimulcastOffer() },
      tracks: [
        { location: 'local', trackName: 'mic', mid: '0' },
        { location: 'local', trackName: 'cam', mid: '1' },
      ],
    })
    const answered = section(push.sessionDescription!.sdp, '1')
    expect(answered).toMatch(/^a=simulcast:recv a;b;c *\r?$/m)

    // The publisher's first pull (its own camera, as a self-view would): the SFU offers.
    const pull = await api.newTracks(sessionId, { tracks: [{ location: 'remote', sessionId, trackName: 'cam' }] })
    expect(pull.requiresImmediateRenegotiation).toBe(true)
    const offered = section(pull.sessionDescription!.sdp, '1')
    expect(offered).toMatch(/^a=recvonly\r?$/m)
    for (const rid of ['a', 'b', 'c']) expect(offered).toMatch(new RegExp(`^a=rid:${rid} recv\\r?$`, 'm'))
    expect(offered).toMatch(/^a=simulcast:recv a;b;c *\r?$/m)
    expect(offered).toMatch(/^a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r?$/m)
    // Its pulled section is a plain one-stream video section, never simulcast.
    const pulled = section(pull.sessionDescription!.sdp, pull.tracks![0]!.mid!)
    expect(pulled).not.toMatch(/a=simulcast|a=rid/)
  })
})
