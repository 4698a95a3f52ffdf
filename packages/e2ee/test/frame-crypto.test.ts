import { describe, expect, it } from 'vitest'
import { FrameDecryptError, FrameDecryptor, FrameEncryptor, type Codec, type EpochSecret } from '../src/index.ts'
import { decodeHeader } from '../src/sframe/header.ts'
import { keyId } from '../src/sframe/keys.ts'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))

// A VP8 key frame starts with a frame tag whose bit 0 is 0, the start code 9d 01 2a and the size.
function vp8KeyFrame(size: number): Uint8Array<ArrayBuffer> {
  const frame = random(size)
  frame.set([0x50, 0x2a, 0x01, 0x9d, 0x01, 0x2a, 0x00, 0x05, 0xd0, 0x02])
  return frame
}
function vp8DeltaFrame(size: number): Uint8Array<ArrayBuffer> {
  const frame = random(size)
  frame[0] = 0x31
  return frame
}
function opusFrame(size: number): Uint8Array<ArrayBuffer> {
  const frame = random(size)
  frame[0] = 0x78 // TOC: CELT fullband 20 ms, one frame
  return frame
}

const epoch = (n: bigint, secret = random(32)): EpochSecret => ({ epoch: n, secret })

async function pair(e: EpochSecret = epoch(5n), senderIndex = 3) {
  const encryptor = await FrameEncryptor.create(e, senderIndex)
  const decryptor = new FrameDecryptor()
  decryptor.setEpoch(e)
  return { encryptor, decryptor }
}

const cases: [string, Codec, Uint8Array<ArrayBuffer>, number][] = [
  ['a VP8 key frame', 'vp8', vp8KeyFrame(30_000), 10],
  ['a VP8 delta frame', 'vp8', vp8DeltaFrame(4_000), 1],
  ['an Opus frame', 'opus', opusFrame(120), 1],
]

describe('frame encryption', () => {
  for (const [name, codec, frame, clear] of cases) {
    it(`round-trips ${name}, its first ${clear} byte(s) left in the clear`, async () => {
      const { encryptor, decryptor } = await pair()
      const sealed = await encryptor.encrypt(codec, frame)
      expect(hex(sealed.subarray(0, clear))).toBe(hex(frame.subarray(0, clear)))
      // The rest is not there in the clear: no 16-byte run of the plaintext after the prefix survives.
      expect(hex(sealed)).not.toContain(hex(frame.subarray(clear, clear + 16)))
      // Right after the clear prefix: the SFrame header (this sender, epoch 5, first frame), then the
      // rest of the frame sealed, 16 bytes of tag longer.
      const header = decodeHeader(sealed, clear)
      expect([header.kid, header.ctr]).toEqual([keyId(5n, 3), 0])
      expect(sealed.length).toBe(header.end + frame.length - clear + 16)
      expect(hex(await decryptor.decrypt(codec, sealed))).toBe(hex(frame))
    })
  }

  it('seals the same plaintext differently every time', async () => {
    const { encryptor } = await pair()
    const frame = opusFrame(100)
    const [a, b] = [await encryptor.encrypt('opus', frame), await encryptor.encrypt('opus', frame)]
    expect(hex(a!.subarray(1))).not.toBe(hex(b!.subarray(1)))
  })

  it('refuses a frame sealed with another key for the same epoch, until given that key', async () => {
    const right = epoch(5n)
    const { encryptor } = await pair(right)
    const { decryptor } = await pair(epoch(5n))
    const sealed = await encryptor.encrypt('vp8', vp8DeltaFrame(500))
    await expect(decryptor.decrypt('vp8', sealed)).rejects.toThrow(FrameDecryptError)
    // A member that rejoins holds a new secret under the same epoch number: keys of the old one go.
    decryptor.setEpoch(right)
    expect((await decryptor.decrypt('vp8', sealed)).length).toBe(500)
  })

  it('refuses a frame whose clear prefix, header or ciphertext was changed', async () => {
    const { encryptor, decryptor } = await pair()
    const sealed = await encryptor.encrypt('vp8', vp8KeyFrame(2_000))
    // 3: the frame tag's size bits (still a key frame), 10: the SFrame header, then the ciphertext and tag.
    for (const at of [3, 10, 500, sealed.length - 1]) {
      const tampered = sealed.slice()
      tampered[at]! ^= 0x04
      await expect(decryptor.decrypt('vp8', tampered)).rejects.toThrow(FrameDecryptError)
    }
    // Untouched, the same frame still opens: the refusals did not burn its counter.
    expect((await decryptor.decrypt('vp8', sealed)).length).toBe(2_000)
  })

  it('refuses a replayed frame, and takes frames slightly out of order once each', async () => {
    const { encryptor, decryptor } = await pair()
    const [first, second] = [
      await encryptor.encrypt('opus', opusFrame(80)),
      await encryptor.encrypt('opus', opusFrame(80)),
    ]
    await decryptor.decrypt('opus', second!)
    await decryptor.decrypt('opus', first!)
    await expect(decryptor.decrypt('opus', second!)).rejects.toThrow('replayed counter 1')
    await expect(decryptor.decrypt('opus', first!)).rejects.toThrow('replayed counter 0')
  })

  it('keeps the previous epoch for frames in flight, and no older one', async () => {
    const e5 = epoch(5n)
    const sender = await FrameEncryptor.create(e5, 1)
    const [late, later] = [await sender.encrypt('opus', opusFrame(50)), await sender.encrypt('opus', opusFrame(50))]
    const { decryptor } = await pair(e5)
    decryptor.setEpoch(epoch(6n))
    expect((await decryptor.decrypt('opus', late!)).length).toBe(50)
    decryptor.setEpoch(epoch(7n))
    await expect(decryptor.decrypt('opus', later!)).rejects.toThrow('no key for key id')
  })

  it('tells senders apart by key id', async () => {
    const e = epoch(9n)
    const [a, b] = await Promise.all([FrameEncryptor.create(e, 0), FrameEncryptor.create(e, 1)])
    const decryptor = new FrameDecryptor()
    decryptor.setEpoch(e)
    // Both senders' first frames have counter 0; neither is taken for a replay of the other.
    const frames = [await a.encrypt('opus', opusFrame(40)), await b.encrypt('opus', opusFrame(40))]
    for (const f of frames) expect((await decryptor.decrypt('opus', f)).length).toBe(40)
  })

  it('holds no key for key ids that never authenticated, however many are tried', async () => {
    const e = epoch(4n)
    const { encryptor, decryptor } = await pair(e, 2)
    const genuine = await encryptor.encrypt('opus', opusFrame(60))
    for (let sender = 10; sender < 300; sender++) {
      const forged = await (await FrameEncryptor.create(epoch(4n), sender)).encrypt('opus', opusFrame(60))
      await expect(decryptor.decrypt('opus', forged)).rejects.toThrow('did not authenticate')
    }
    expect(decryptor.senderCount).toBe(0)
    expect((await decryptor.decrypt('opus', genuine)).length).toBe(60)
    expect(decryptor.senderCount).toBe(1)
  })
})
