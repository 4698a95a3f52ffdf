import { RtpHeader, RtpPacket } from 'werift'

/**
 * One piped packet on the loopback UDP pipe between two shards: the pipe's id, the simulcast
 * layer, when the publisher's packet reached its shard, and the RTP fields a subscription reads
 * (marker, payload type, sequence number, timestamp, SSRC) followed by the payload. Header
 * extensions are not carried: pullers get the ones negotiated with them (`LeanSender`).
 *
 *   0: u32 pipe id   4: f64 arrival (ms since the epoch, `timeOrigin + now()`)   12: u8 rid length
 *   13: rid (ASCII)  then u8 marker<<7 | payload type, u16 sequence, u32 timestamp, u32 SSRC, payload
 */
const FIXED = 4 + 8 + 1 + 1 + 2 + 4 + 4

export function encodePiped(pipeId: number, rid: string, arrivedAt: number, packet: RtpPacket): Buffer {
  const { header, payload } = packet
  const ridLength = rid.length
  const out = Buffer.allocUnsafe(FIXED + ridLength + payload.length)
  out.writeUInt32BE(pipeId, 0)
  out.writeDoubleBE(performance.timeOrigin + arrivedAt, 4)
  out[12] = ridLength
  if (ridLength > 0) out.write(rid, 13, 'latin1')
  let at = 13 + ridLength
  out[at] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f)
  out.writeUInt16BE(header.sequenceNumber, at + 1)
  out.writeUInt32BE(header.timestamp >>> 0, at + 3)
  out.writeUInt32BE(header.ssrc >>> 0, at + 7)
  at += 11
  payload.copy(out, at)
  return out
}

export interface PipedPacket {
  pipeId: number
  rid: string
  /** The publisher's arrival as this thread's `performance.now()`, so latency spans the pipe too. */
  arrivedAt: number
  packet: RtpPacket
}

/** The inverse of `encodePiped`; undefined for a datagram too short to be one. */
export function decodePiped(data: Buffer): PipedPacket | undefined {
  if (data.length < FIXED) return undefined
  const ridLength = data[12]!
  const at = 13 + ridLength
  if (data.length < at + 11) return undefined
  const first = data[at]!
  const header = new RtpHeader({
    marker: (first & 0x80) !== 0,
    payloadType: first & 0x7f,
    sequenceNumber: data.readUInt16BE(at + 1),
    timestamp: data.readUInt32BE(at + 3),
    ssrc: data.readUInt32BE(at + 7),
  })
  return {
    pipeId: data.readUInt32BE(0),
    rid: ridLength > 0 ? data.toString('latin1', 13, at) : '',
    arrivedAt: data.readDoubleBE(4) - performance.timeOrigin,
    packet: new RtpPacket(header, data.subarray(at + 11)),
  }
}
