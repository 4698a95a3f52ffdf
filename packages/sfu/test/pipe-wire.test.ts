import { describe, expect, it } from 'vitest'
import { RtpHeader, RtpPacket } from 'werift'
import { decodePipeDatagram, MAX_PIPE_DATAGRAM, PipeBatch, type PipedPacket } from '../src/shards/pipe-wire.ts'

const packet = (seq: number, bytes: number, marker = false) =>
  new RtpPacket(
    new RtpHeader({
      sequenceNumber: seq,
      timestamp: seq * 3000 + 0xfffff000,
      ssrc: 0xdeadbeef,
      payloadType: 96,
      marker,
    }),
    Buffer.alloc(bytes, seq & 0xff),
  )

function decodeAll(datagram: Buffer): { ok: boolean; packets: PipedPacket[] } {
  const packets: PipedPacket[] = []
  const ok = decodePipeDatagram(datagram, (p) => packets.push(p))
  return { ok, packets }
}

describe('the pipe between shards: one datagram per turn', () => {
  it('carries a turn of packets in one datagram, each intact and in order', () => {
    const batch = new PipeBatch()
    const arrivedAt = performance.now()
    batch.add(7, 'a', arrivedAt, packet(1, 1000))
    batch.add(7, 'a', arrivedAt + 1, packet(2, 1000, true))
    batch.add(9, '', arrivedAt + 2, packet(3, 120))
    const { ok, packets } = decodeAll(batch.take())
    expect(ok).toBe(true)
    expect(packets.map((p) => [p.pipeId, p.rid, p.packet.header.sequenceNumber, p.packet.header.marker])).toEqual([
      [7, 'a', 1, false],
      [7, 'a', 2, true],
      [9, '', 3, false],
    ])
    expect(packets[2]!.packet.payload).toEqual(Buffer.alloc(120, 3))
    expect(packets[1]!.packet.header).toMatchObject({ timestamp: (2 * 3000 + 0xfffff000) >>> 0, ssrc: 0xdeadbeef })
    expect(packets[1]!.packet.header.payloadType).toBe(96)
    expect(packets[1]!.arrivedAt).toBeCloseTo(arrivedAt + 1, 3)
    expect(batch.empty).toBe(true)
  })

  it('gives a datagram that is sent on (a copy) and starts the next batch empty', () => {
    const batch = new PipeBatch()
    batch.add(1, 'b', 0, packet(1, 500))
    const first = batch.take()
    batch.add(1, 'b', 0, packet(2, 500))
    const second = batch.take()
    expect(decodeAll(first).packets.map((p) => p.packet.header.sequenceNumber)).toEqual([1])
    expect(decodeAll(second).packets.map((p) => p.packet.header.sequenceNumber)).toEqual([2])
  })

  it('says when the next packet would make the datagram too large for UDP', () => {
    const batch = new PipeBatch()
    let added = 0
    while (batch.fits('a', packet(added, 1200))) batch.add(1, 'a', 0, packet(added++, 1200))
    const datagram = batch.take()
    expect(added).toBeGreaterThan(40)
    expect(datagram.length).toBeLessThanOrEqual(MAX_PIPE_DATAGRAM)
    expect(decodeAll(datagram).packets).toHaveLength(added)
  })

  it('rejects a truncated datagram after the packets before the cut', () => {
    const batch = new PipeBatch()
    batch.add(1, '', 0, packet(1, 100))
    batch.add(1, '', 0, packet(2, 100))
    const datagram = batch.take()
    const { ok, packets } = decodeAll(datagram.subarray(0, datagram.length - 10))
    expect(ok).toBe(false)
    expect(packets.map((p) => p.packet.header.sequenceNumber)).toEqual([1])
    expect(decodeAll(Buffer.from([0x00])).ok).toBe(false)
    expect(decodeAll(Buffer.from([0x00, 0x03, 1, 2, 3])).ok).toBe(false)
  })
})
