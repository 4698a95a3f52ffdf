import { createDecipheriv, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ProtectionProfileAeadAes128Gcm, RtpHeader, SrtpSession } from 'werift'
import {
  rolloverFor,
  sealWithRolloverFor,
  type SrtpSealingContext,
  type SrtpSsrcState,
} from '../src/media/srtp-rollover.ts'
import { GCM_TAG_BYTES } from '../src/media/srtp-gcm.ts'

const SSRC = 0x1234abcd

/**
 * What a puller sees: packets 65500 … 65535 and 0 … 199 in order, then the SFU answering a NACK
 * for a run lost across the wrap (65533, 65535, 0, 5) 200 packets late, then the next new packet.
 */
const forward = [...Array.from({ length: 36 }, (_, i) => 65500 + i), ...Array.from({ length: 200 }, (_, i) => i)]
const retransmitted = [65533, 65535, 0, 5]

/** RFC 3711 §3.3.1: the rollover counter each packet was first sent with. */
const rolloverOf = (seq: number) => (seq >= 65500 ? 0 : 1)

describe('SRTP rollover counter of sent packets (RFC 3711 §3.3.1)', () => {
  it('counts a wrap, and gives a retransmission the counter of its own time without moving the state', () => {
    const state: SrtpSsrcState = { rolloverCounter: 0, lastSequenceNumber: 0 }
    expect(forward.map((seq) => rolloverFor(state, seq))).toEqual(forward.map(rolloverOf))
    expect(retransmitted.map((seq) => rolloverFor(state, seq))).toEqual([0, 0, 1, 1])
    expect(rolloverFor(state, 200)).toBe(1)
    expect(state).toMatchObject({ rolloverCounter: 1, lastSequenceNumber: 200 })
  })

  it('starts at the first packet sent, whatever its sequence number', () => {
    const state: SrtpSsrcState = { rolloverCounter: 0, lastSequenceNumber: 0 }
    expect([40000, 40001, 39990, 40002].map((seq) => rolloverFor(state, seq))).toEqual([0, 0, 0, 0])
  })

  it("makes werift's sealing, NACK answers included, open at the puller across a wrap", () => {
    const session = new SrtpSession({
      keys: {
        localMasterKey: randomBytes(16),
        localMasterSalt: randomBytes(12),
        remoteMasterKey: randomBytes(16),
        remoteMasterSalt: randomBytes(12),
      },
      profile: ProtectionProfileAeadAes128Gcm,
    })
    const context = (session as unknown as { localContext: SrtpSealingContext & { cipher: GcmKeys } }).localContext
    sealWithRolloverFor(context)
    const seal = (seq: number) =>
      session.encrypt(
        Buffer.alloc(100, seq & 0xff),
        new RtpHeader({ sequenceNumber: seq, ssrc: SSRC, payloadType: 96 }),
      )
    for (const seq of forward) expect(opensWith(context.cipher, seal(seq)), `packet ${seq}`).toBe(rolloverOf(seq))
    for (const seq of retransmitted) expect(opensWith(context.cipher, seal(seq)), `resent ${seq}`).toBe(rolloverOf(seq))
    // With werift's own counting the resent 0 moved the counter to 2: no packet after it opened.
    expect(opensWith(context.cipher, seal(200))).toBe(1)
  })
})

interface GcmKeys {
  srtpSessionKey: Buffer
  srtpSessionSalt: Buffer
}

/** The rollover counter (0–2) under which `packet` authenticates, as the puller's SRTP tries it; undefined if none. */
function opensWith(keys: GcmKeys, packet: Buffer): number | undefined {
  const seq = packet.readUInt16BE(2)
  const header = packet.subarray(0, 12)
  for (let roc = 0; roc <= 2; roc++) {
    const iv = Buffer.alloc(12)
    iv.writeUInt32BE(SSRC, 2)
    iv.writeUInt32BE(roc, 6)
    iv.writeUInt16BE(seq, 10)
    for (let i = 0; i < 12; i++) iv[i]! ^= keys.srtpSessionSalt[i]!
    const decipher = createDecipheriv('aes-128-gcm', keys.srtpSessionKey, iv)
    decipher.setAAD(header)
    decipher.setAuthTag(packet.subarray(packet.length - GCM_TAG_BYTES))
    decipher.update(packet.subarray(12, packet.length - GCM_TAG_BYTES))
    try {
      decipher.final()
      return roc
    } catch {
      // not this counter
    }
  }
  return undefined
}
