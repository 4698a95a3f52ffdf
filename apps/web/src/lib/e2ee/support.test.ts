import { afterEach, describe, expect, it, vi } from 'vitest'
import { e2eeChoiceUnavailable, e2eeSupported, openingE2ee, transformApi } from './support.ts'

describe('what the opening join says of encryption', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('is never on where the browser has no encoded transforms, whatever the host chose', () => {
    vi.stubGlobal('RTCRtpScriptTransform', undefined)
    expect(e2eeSupported()).toBe(false)
    expect(e2eeChoiceUnavailable()).toContain('no encoded transforms')
    expect(openingE2ee(true)).toBe(false)
  })

  it('is the host’s choice where the browser has them', () => {
    vi.stubGlobal('RTCRtpScriptTransform', class {})
    expect(e2eeSupported()).toBe(true)
    expect(openingE2ee(true)).toBe(true)
    expect(openingE2ee(false)).toBe(false)
    expect(e2eeChoiceUnavailable()).toBeUndefined()
  })

  it("takes Chromium's createEncodedStreams where there is no RTCRtpScriptTransform, and prefers the standard one", () => {
    vi.stubGlobal('RTCRtpScriptTransform', undefined)
    vi.stubGlobal(
      'RTCRtpSender',
      class {
        createEncodedStreams() {}
      },
    )
    expect(transformApi()).toBe('encoded-streams')
    expect(e2eeSupported()).toBe(true)
    vi.stubGlobal('RTCRtpScriptTransform', class {})
    expect(transformApi()).toBe('script-transform')
  })
})
