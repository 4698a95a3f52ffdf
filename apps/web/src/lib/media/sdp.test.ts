import { describe, expect, it } from 'vitest'
import { bundleTag } from './sdp.ts'

describe('bundleTag', () => {
  it('is the first mid of the BUNDLE group, as Chromium writes it', () => {
    const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 3 0 1\r\na=msid-semantic: WMS\r\n'
    expect(bundleTag(sdp)).toBe('3')
  })

  it('is undefined without a description or a BUNDLE group', () => {
    expect(bundleTag(undefined)).toBeUndefined()
    expect(bundleTag('v=0\r\ns=-\r\na=group:LS 0 1\r\n')).toBeUndefined()
  })
})
