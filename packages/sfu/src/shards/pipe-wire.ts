import { RtpHeader, RtpPacket } from 'werift'

/**
 * The loopback UDP pipe between two shards carries, in each datagram, the piped packets one
 * event-loop turn of the publisher's shard produced for that shard (`PipeBatch`), each behind its
 * u16 length. A packet: the pipe's id, the simulcast layer, when the publisher's packet reached its
 * shard, and the RTP fields a subscription reads (marker, payload type, sequence number, timestamp,
 * SSRC) followed by the payload. Header extensions are not carried: pullers get the ones
 * negotiated with them (`LeanSender`).
 *
 *   0: u32 pipe id   4: f64 arrival (ms since the epoch, `timeOrigin + now()`)   12: u8 rid length
 *   13: rid (ASCII)  then u8 marker<<7 | payload type, u16 sequence, u32 timestamp, u32 SSRC, payload
 */
const FIXED = 4 + 8 + 1 + 1 + 2 + 4 + 4
const LENGTH_PREFIX = 2
/** Below the 65,507 bytes of a UDP datagram over IPv4; a turn that pipes more sends several. */
export const MAX_PIPE_DATAGRAM = 60_000

/**
 * The packets piped to one shard during one event-loop turn, encoded as they come into one
 * scratch buffer, so that a turn's packets cost the pipe one send and the other shard one wake-up
 * and one receive, not one per packet.
 */
export class PipeBatch {
  private readonly scratch = Buffer.allocUnsafe(MAX_PIPE_DATAGRAM)
  private length = 0

  get empty(): boolean {
    return this.length === 0
  }

  /** Whether `packet` fits behind what the batch holds (a packet always fits an empty batch). */
  fits(rid: string, packet: RtpPacket): boolean {
    return this.length + LENGTH_PREFIX + FIXED + rid.length + packet.payload.length <= MAX_PIPE_DATAGRAM
  }

  add(pipeId: number, rid: string, arrivedAt: number, packet: RtpPacket): void {
    const { header, payload } = packet
    const out = this.scratch
    const start = this.length
    const ridLength = rid.length
    let at = start + LENGTH_PREFIX
    out.writeUInt32BE(pipeId, at)
    out.writeDoubleBE(performance.timeOrigin + arrivedAt, at + 4)
    out[at + 12] = ridLength
    if (ridLength > 0) out.write(rid, at + 13, 'latin1')
    at += 13 + ridLength
    out[at] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f)
    out.writeUInt16BE(header.sequenceNumber, at + 1)
    out.writeUInt32BE(header.timestamp >>> 0, at + 3)
    out.writeUInt32BE(header.ssrc >>> 0, at + 7)
    at += 11
    at += payload.copy(out, at)
    out.writeUInt16BE(at - start - LENGTH_PREFIX, start)
    this.length = at
  }

  /** The datagram (a copy: a `dgram` send reads its buffer later) and an empty batch. */
  take(): Buffer {
    const datagram = Buffer.from(this.scratch.subarray(0, this.length))
    this.length = 0
    return datagram
  }
}

export interface PipedPacket {
  pipeId: number
  rid: string
  /** The publisher's arrival as this thread's `performance.now()`, so latency spans the pipe too. */
  arrivedAt: number
  packet: RtpPacket
}

/** Each packet of a pipe datagram, in order; false when the datagram is malformed (what came before it was delivered). */
export function decodePipeDatagram(data: Buffer, each: (piped: PipedPacket) => void): boolean {
  let at = 0
  while (at < data.length) {
    if (at + LENGTH_PREFIX > data.length) return false
    const end = at + LENGTH_PREFIX + data.readUInt16BE(at)
    if (end > data.length) return false
    const piped = decodePiped(data.subarray(at + LENGTH_PREFIX, end))
    if (!piped) return false
    each(piped)
    at = end
  }
  return true
}

/** One packet of a datagram; undefined for bytes too short to be one. */
function decodePiped(data: Buffer): PipedPacket | undefined {
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
