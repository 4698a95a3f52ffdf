import { RTP_EXTENSION_URI } from 'werift'

/** One header extension a sender writes on every packet, in the order of its id. */
export type ExtensionSlot =
  | { id: number; kind: 'static'; bytes: Buffer }
  | { id: number; kind: 'transport-cc' }
  | { id: number; kind: 'abs-send-time' }

export interface ExtensionSource {
  headerExtensions: ReadonlyArray<{ id: number; uri: string }>
  mid?: string | undefined
  rtpStreamId?: string | undefined
  repairedRtpStreamId?: string | undefined
}

/**
 * The extensions werift's `RTCRtpSender.dispatchRtp` writes, worked out once per negotiation
 * instead of per packet: mid / rid / repaired rid when the sender has them, the transport-wide
 * sequence number and abs-send-time always, sorted by id. `undefined` when one does not fit the
 * one-byte form (id above 14 or longer than 16 bytes), which only werift's own path writes.
 */
export function extensionSlots(sender: ExtensionSource): ExtensionSlot[] | undefined {
  const slots: ExtensionSlot[] = []
  for (const { id, uri } of sender.headerExtensions) {
    let slot: ExtensionSlot | undefined
    const text = (value: string | undefined) =>
      value ? ({ id, kind: 'static', bytes: Buffer.from(value) } as const) : undefined
    if (uri === RTP_EXTENSION_URI.sdesMid) slot = text(sender.mid)
    else if (uri === RTP_EXTENSION_URI.sdesRTPStreamID) slot = text(sender.rtpStreamId)
    else if (uri === RTP_EXTENSION_URI.repairedRtpStreamId) slot = text(sender.repairedRtpStreamId)
    else if (uri === RTP_EXTENSION_URI.transportWideCC) slot = { id, kind: 'transport-cc' }
    else if (uri === RTP_EXTENSION_URI.absSendTime) slot = { id, kind: 'abs-send-time' }
    if (!slot) continue
    if (id < 1 || id > 14 || (slot.kind === 'static' && (slot.bytes.length === 0 || slot.bytes.length > 16)))
      return undefined
    slots.push(slot)
  }
  return slots.sort((a, b) => a.id - b.id)
}

const SLOT_BYTES = { 'transport-cc': 2, 'abs-send-time': 3 } as const

/** Bytes of the fixed header plus the one-byte-form extension block (RFC 8285 §4.2). */
export function headerLength(slots: readonly ExtensionSlot[]): number {
  if (slots.length === 0) return 12
  let body = 0
  for (const slot of slots) body += 1 + (slot.kind === 'static' ? slot.bytes.length : SLOT_BYTES[slot.kind])
  return 16 + ((body + 3) & ~3)
}

export interface HeaderFields {
  marker: boolean
  payloadType: number
  sequenceNumber: number
  timestamp: number
  ssrc: number
  /** Written into the transport-cc slot, if there is one. */
  transportSequenceNumber: number
  /** 24-bit abs-send-time (6.18 fixed-point seconds), if there is a slot for it. */
  absSendTime: number
}

/** Writes the RTP header as werift's `RtpHeader.serialize` would; returns its length. */
export function writeRtpHeader(out: Buffer, fields: HeaderFields, slots: readonly ExtensionSlot[]): number {
  out[0] = slots.length > 0 ? 0x90 : 0x80 // version 2, no padding, X when extensions follow, no CSRC
  out[1] = (fields.marker ? 0x80 : 0) | (fields.payloadType & 0x7f)
  out.writeUInt16BE(fields.sequenceNumber & 0xffff, 2)
  out.writeUInt32BE(fields.timestamp >>> 0, 4)
  out.writeUInt32BE(fields.ssrc >>> 0, 8)
  if (slots.length === 0) return 12
  out.writeUInt16BE(0xbede, 12)
  let offset = 16
  for (const slot of slots) {
    if (slot.kind === 'static') {
      out[offset++] = (slot.id << 4) | (slot.bytes.length - 1)
      slot.bytes.copy(out, offset)
      offset += slot.bytes.length
    } else if (slot.kind === 'transport-cc') {
      out[offset++] = (slot.id << 4) | 1
      out.writeUInt16BE(fields.transportSequenceNumber & 0xffff, offset)
      offset += 2
    } else {
      out[offset++] = (slot.id << 4) | 2
      out.writeUIntBE(fields.absSendTime & 0xffffff, offset, 3)
      offset += 3
    }
  }
  const end = 16 + ((offset - 16 + 3) & ~3)
  out.fill(0, offset, end)
  out.writeUInt16BE((end - 16) / 4, 14)
  return end
}
