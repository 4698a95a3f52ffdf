import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSfu } from '../src/server.ts'
import { section } from './helpers/sdp.ts'
import { clientFor, startTestSfu } from './helpers/sfu.ts'

// A Chromium sendonly offer (audio + video, BUNDLE, Chromium's payload types and extmap ids).
const chromiumOffer = readFileSync(new URL('./fixtures/chromium-offer.sdp', import.meta.url), 'utf8')

let sfu: RunningSfu
beforeAll(async () => {
  // No peer stands behind the Chromium offer, so the session never connects: the operations that
  // would wait for its transport must not (SFU_TRANSPORT_WAIT_MS=0).
  sfu = await startTestSfu({ transportWaitMs: 0 })
})
afterAll(() => sfu.close())

describe('SDP a browser accepts', () => {
  it('answers a Chromium push with BUNDLE, rtcp-mux, its payload types and its extmap ids', async () => {
    const api = clientFor(sfu)
    const { sessionId } = await api.newSession()
    const res = await api.newTracks(sessionId, {
      sessionDescription: { type: 'offer', sdp: chromiumOffer },
      tracks: [
        { location: 'local', trackName: 'mic1', mid: '0' },
        { location: 'local', trackName: 'cam1', mid: '1' },
      ],
    })
    const answer = res.sessionDescription!.sdp
    expect(answer).toMatch(/^a=group:BUNDLE 0 1\r?$/m)
    expect(answer).toMatch(/^a=fingerprint:sha-256 /m)
    expect(answer).toMatch(/^a=setup:(active|passive)\r?$/m)
    expect(answer).toMatch(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/)
    const audio = section(answer, '0')
    const video = section(answer, '1')
    expect(audio).toMatch(/^m=audio \d+ UDP\/TLS\/RTP\/SAVPF 111\r?$/m)
    expect(audio).toMatch(/^a=recvonly\r?$/m)
    expect(audio).toMatch(/^a=rtcp-mux\r?$/m)
    expect(audio).toMatch(/^a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r?$/m)
    expect(video).toMatch(/^a=rtpmap:96 VP8\/90000\r?$/m)
    expect(video).toMatch(/^a=fmtp:97 apt=96\r?$/m)
    expect(video).toMatch(/^a=rtcp-fb:96 nack pli\r?$/m)
    // Bandwidth estimation feedback for Chromium's sender.
    expect(video).toMatch(/^a=rtcp-fb:96 transport-cc\r?$/m)
    expect(video).toMatch(
      /^a=extmap:3 http:\/\/www.ietf.org\/id\/draft-holmer-rmcat-transport-wide-cc-extensions-01\r?$/m,
    )
    expect(video).toMatch(/^a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r?$/m)
    expect(video).not.toMatch(/ulpfec|red\/90000/)
    expect(res.tracks).toEqual([
      { trackName: 'mic1', mid: '0' },
      { trackName: 'cam1', mid: '1' },
    ])

    // Pulling back into the same session: numbers that cannot collide with Chromium's.
    const pull = await api.newTracks(sessionId, {
      tracks: [
        { location: 'remote', sessionId, trackName: 'cam1' },
        { location: 'remote', sessionId, trackName: 'mic1' },
      ],
    })
    const offer = pull.sessionDescription!.sdp
    expect(offer).toMatch(/^a=group:BUNDLE 0 1 2 3\r?$/m)
    const pulledVideo = section(offer, pull.tracks![0]!.mid!)
    const pulledAudio = section(offer, pull.tracks![1]!.mid!)
    expect(pulledVideo).toMatch(/^m=video \d+ UDP\/TLS\/RTP\/SAVPF 96 97\r?$/m)
    expect(pulledVideo).toMatch(/^a=sendonly\r?$/m)
    expect(pulledVideo).toMatch(/^a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r?$/m)
    expect(pulledVideo).toMatch(/^a=extmap:2 http:\/\/www.webrtc.org\/experiments\/rtp-hdrext\/abs-send-time\r?$/m)
    expect(pulledAudio).toMatch(/^m=audio \d+ UDP\/TLS\/RTP\/SAVPF 111\r?$/m)
    expect(pulledAudio).toMatch(/^a=msid:/m)
    // One ssrc per pulled m-section, with its RTX pair on video.
    expect(pulledVideo).toMatch(/^a=ssrc-group:FID \d+ \d+\r?$/m)
  })
})
