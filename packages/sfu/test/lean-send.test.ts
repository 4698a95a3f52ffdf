import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  ProtectionProfileAeadAes128Gcm,
  RTP_EXTENSION_URI,
  RtpHeader,
  RtpPacket,
  SrtpSession,
  serializeAbsSendTime,
  serializeSdesMid,
  serializeTransportWideCC,
} from 'werift'
import { absSendTime, ntpFromUnixMs } from '../src/media/lean-sender.ts'
import { extensionSlots, headerLength, writeRtpHeader } from '../src/media/rtp-header-writer.ts'
import { GCM_TAG_BYTES, SrtpGcmSealer } from '../src/media/srtp-gcm.ts'

/** Both ends of one SRTP association, as werift's DTLS transport would key them. */
function srtpPair() {
  const [a, b] = [randomBytes(16), randomBytes(16)]
  const [saltA, saltB] = [randomBytes(12), randomBytes(12)]
  const session = (key: Buffer, salt: Buffer, peerKey: Buffer, peerSalt: Buffer) =>
    new SrtpSession({
      keys: { localMasterKey: key, localMasterSalt: salt, remoteMasterKey: peerKey, remoteMasterSalt: peerSalt },
      profile: ProtectionProfileAeadAes128Gcm,
    })
  return {
    reference: session(a, saltA, b, saltB),
    ours: session(a, saltA, b, saltB),
    receiver: session(b, saltB, a, saltA),
  }
}

// The extensions the SFU negotiates with a puller (src/media/peer.ts), in a non-sorted order.
const negotiated = [
  { id: 3, uri: RTP_EXTENSION_URI.transportWideCC },
  { id: 1, uri: RTP_EXTENSION_URI.sdesMid },
  { id: 2, uri: RTP_EXTENSION_URI.absSendTime },
]

describe('lean send path', () => {
  it('writes SRTP (AES-GCM) packets byte-identical to werift, across a sequence number wrap', () => {
    const { reference, ours, receiver } = srtpPair()
    const context = (ours as unknown as { localContext: Parameters<typeof contextOf>[0] }).localContext
    const { key, salt } = contextOf(context)
    const sealer = new SrtpGcmSealer(key, salt)
    const slots = extensionSlots({ headerExtensions: negotiated, mid: '1' })!
    expect(slots.map((slot) => slot.id)).toEqual([1, 2, 3])
    const ssrc = 0x8badf00d
    const start = Date.now()
    for (let i = 0; i < 6; i++) {
      const sequenceNumber = (65533 + i) & 0xffff // 65533 … 2: the rollover counter steps to 1
      const timestamp = (0xfffff000 + i * 3000) >>> 0
      const transportSequenceNumber = 100 + i
      const nowMs = start + i * 33.3
      const payload = randomBytes(i % 2 ? 1040 : 120)
      const marker = i % 2 === 1

      const expected = reference.encrypt(
        payload,
        new RtpHeader({
          marker,
          payloadType: 96,
          sequenceNumber,
          timestamp,
          ssrc,
          extensions: [
            { id: 1, payload: serializeSdesMid('1') },
            { id: 2, payload: serializeAbsSendTime(ntpFromUnixMs(nowMs)) },
            { id: 3, payload: serializeTransportWideCC(transportSequenceNumber) },
          ],
        }),
      )

      const length = headerLength(slots)
      const packet = Buffer.alloc(length + payload.length + GCM_TAG_BYTES)
      const written = writeRtpHeader(
        packet,
        {
          marker,
          payloadType: 96,
          sequenceNumber,
          timestamp,
          ssrc,
          transportSequenceNumber,
          absSendTime: absSendTime(nowMs),
        },
        slots,
      )
      expect(written).toBe(length)
      const state = context.getSrtpSsrcState(ssrc)
      context.updateRolloverCount(sequenceNumber, state)
      sealer.seal(packet, length, payload, ssrc, state.rolloverCounter, sequenceNumber)

      expect(packet.toString('hex')).toBe(expected.toString('hex'))
      // And the far end (werift's receive side) authenticates and decrypts it.
      const decrypted = RtpPacket.deSerialize(receiver.decrypt(packet))
      expect(decrypted.payload.equals(payload)).toBe(true)
      expect(decrypted.header.sequenceNumber).toBe(sequenceNumber)
    }
    expect(context.getSrtpSsrcState(ssrc).rolloverCounter).toBe(1)
  })

  it('writes headers like werift with no extensions and with padded odd-sized ones', () => {
    const fields = { marker: true, payloadType: 111, sequenceNumber: 7, timestamp: 960, ssrc: 42 }
    const none = Buffer.alloc(12)
    expect(writeRtpHeader(none, { ...fields, transportSequenceNumber: 0, absSendTime: 0 }, [])).toBe(12)
    expect(none.equals(new RtpHeader(fields).serialize(12))).toBe(true)

    // mid "10" (2 bytes) + transport-cc (2 bytes): 6 bytes of elements, padded to 8.
    const slots = extensionSlots({ headerExtensions: negotiated.filter((e) => e.id !== 2), mid: '10' })!
    const reference = new RtpHeader({
      ...fields,
      extensions: [
        { id: 1, payload: serializeSdesMid('10') },
        { id: 3, payload: serializeTransportWideCC(65535) },
      ],
    })
    const ours = Buffer.alloc(headerLength(slots))
    writeRtpHeader(ours, { ...fields, transportSequenceNumber: 65535, absSendTime: 0 }, slots)
    expect(ours.toString('hex')).toBe(reference.serialize(reference.serializeSize).toString('hex'))
  })

  it('leaves extensions the one-byte form cannot carry to werift', () => {
    expect(extensionSlots({ headerExtensions: [{ id: 15, uri: RTP_EXTENSION_URI.absSendTime }] })).toBeUndefined()
    expect(extensionSlots({ headerExtensions: [{ id: 1, uri: RTP_EXTENSION_URI.sdesMid }], mid: 'x'.repeat(17) })).toBe(
      undefined,
    )
  })
})

function contextOf(context: {
  cipher: { srtpSessionKey: Buffer; srtpSessionSalt: Buffer }
  getSrtpSsrcState(ssrc: number): { rolloverCounter: number }
  updateRolloverCount(seq: number, state: { rolloverCounter: number }): void
}) {
  return { key: context.cipher.srtpSessionKey, salt: context.cipher.srtpSessionSalt }
}
