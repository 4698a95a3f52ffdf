import { describe, expect, it } from 'vitest'
import { isKeyframeStart } from '../src/media/keyframe.ts'
import { chooseLayer } from '../src/media/layers.ts'

const bytes = (...values: number[]) => Buffer.from(values)

describe('keyframe detection', () => {
  it('reads VP8 descriptors with and without extensions', () => {
    // S=1, PID=0, no extension; VP8 header P bit 0 → keyframe, 1 → delta.
    expect(isKeyframeStart('video/VP8', bytes(0x10, 0x00, 0, 0))).toBe(true)
    expect(isKeyframeStart('video/VP8', bytes(0x10, 0x01, 0, 0))).toBe(false)
    // X=1 with I (15-bit picture id), L and T/K: descriptor is 5 bytes long.
    expect(isKeyframeStart('video/vp8', bytes(0x90, 0xe0, 0x80, 0x01, 0x05, 0x20, 0x00))).toBe(true)
    expect(isKeyframeStart('video/vp8', bytes(0x90, 0xe0, 0x80, 0x01, 0x05, 0x20, 0x01))).toBe(false)
    // Not the start of a partition: never a keyframe start.
    expect(isKeyframeStart('video/VP8', bytes(0x00, 0x00))).toBe(false)
  })

  it('finds H.264 IDR and SPS units, alone, aggregated and fragmented', () => {
    expect(isKeyframeStart('video/H264', bytes(0x65, 0x88))).toBe(true) // IDR
    expect(isKeyframeStart('video/H264', bytes(0x41, 0x9a))).toBe(false) // non-IDR slice
    expect(isKeyframeStart('video/H264', bytes(0x18, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce))).toBe(true) // STAP-A with SPS
    expect(isKeyframeStart('video/H264', bytes(0x7c, 0x85, 0x00))).toBe(true) // FU-A start of IDR
    expect(isKeyframeStart('video/H264', bytes(0x7c, 0x05, 0x00))).toBe(false) // FU-A continuation
  })

  it('reads VP9 and says nothing about codecs it cannot parse', () => {
    expect(isKeyframeStart('video/VP9', bytes(0x08))).toBe(true)
    expect(isKeyframeStart('video/VP9', bytes(0x48))).toBe(false)
    expect(isKeyframeStart('video/AV1', bytes(0x00))).toBeUndefined()
  })
})

describe('layer choice', () => {
  it('takes the preferred rid when the publisher sends it, the best ("a") layer without one, and follows ridNotAvailable', () => {
    expect(chooseLayer(['a', 'b'], { preferredRid: 'b' })).toBe('b')
    // A preferred layer not being sent: nothing (ridNotAvailable "none", the default), or the
    // next one down, else the nearest one up ("asciibetical").
    expect(chooseLayer(['a', 'b'], { preferredRid: 'c' })).toBeUndefined()
    expect(chooseLayer(['a', 'c'], { preferredRid: 'b', ridNotAvailable: 'none' })).toBeUndefined()
    expect(chooseLayer(['a', 'c'], { preferredRid: 'b', ridNotAvailable: 'asciibetical' })).toBe('c')
    expect(chooseLayer(['a', 'b'], { preferredRid: 'c', ridNotAvailable: 'asciibetical' })).toBe('b')
    expect(chooseLayer(['a', 'b'], { preferredRid: '' })).toBe('a')
    expect(chooseLayer([''], {})).toBe('')
    expect(chooseLayer([], {})).toBeUndefined()
  })
})
