import { expect, it } from 'vitest'
import { decodeHeader, encodeHeader } from '../src/sframe/header.ts'

it('encodes SFrame headers as RFC 9605 §4.3 does, and reads them back', () => {
  // Values under 8 sit in the config byte; larger ones follow it, big-endian, in as few bytes as they need.
  expect([...encodeHeader({ kid: 3, ctr: 5 })]).toEqual([0x35])
  expect([...encodeHeader({ kid: 0x105, ctr: 7 })]).toEqual([0x97, 0x01, 0x05])
  expect([...encodeHeader({ kid: 2, ctr: 0x10000 })]).toEqual([0x2a, 0x01, 0x00, 0x00])
  for (const h of [
    { kid: 0, ctr: 0 },
    { kid: 8, ctr: 8 },
    { kid: 65_535 * 256 + 255, ctr: 2 ** 40 },
  ]) {
    const bytes = Uint8Array.from([0xee, ...encodeHeader(h), 0xff])
    expect(decodeHeader(bytes, 1)).toEqual({ ...h, end: bytes.length - 1 })
  }
  expect(() => decodeHeader(Uint8Array.from([0x9f, 0x01]), 0)).toThrow('bad SFrame header')
})
