import { FrameDecryptor, type EpochSecret } from '@tangerine/e2ee'
import { describe, expect, it } from 'vitest'
import {
  decryptFrames,
  encryptFrames,
  KEY_FRAME_REQUEST_INTERVAL_MS,
  MediaKeys,
  type EncodedFrame,
  type FrameTransform,
} from './frame-transform.ts'

// Frames as the browser hands them to a transform: bytes, and for video whether it is a key frame.
// VP8: bit 0 of the first byte is 0 on a key frame (RFC 6386 §9.1); Opus starts with its TOC byte.
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))
function frame(kind: 'key' | 'delta' | 'audio', size = 200): EncodedFrame {
  const bytes = random(size)
  bytes[0] = kind === 'key' ? 0x50 : kind === 'delta' ? 0x31 : 0x78
  return { data: bytes.buffer, ...(kind === 'audio' ? {} : { type: kind }) }
}
const copy = (f: EncodedFrame): EncodedFrame => ({ ...f, data: f.data.slice(0) })
const hex = (data: ArrayBuffer) => Buffer.from(data).toString('hex')
const epoch = (n: bigint): EpochSecret => ({ epoch: n, secret: random(32) })

/** Runs frames through a transform as the worker does (a TransformStream) and collects what comes out. */
async function run(transform: FrameTransform, frames: EncodedFrame[]): Promise<EncodedFrame[]> {
  const out: EncodedFrame[] = []
  const stream = new TransformStream(transform)
  const writer = stream.writable.getWriter()
  const reading = (async () => {
    for await (const f of stream.readable) out.push(f)
  })()
  for (const f of frames) await writer.write(f)
  await writer.close()
  await reading
  return out
}

function counter() {
  const calls = { count: 0 }
  return { calls, requestKeyFrame: () => void calls.count++ }
}

describe('encrypting our frames', () => {
  it('drops every frame until there is a key, then seals them so only a holder of the key opens them', async () => {
    const keys = new MediaKeys()
    const sent = [frame('key'), frame('delta'), frame('delta')]
    expect(await run(encryptFrames(keys, 'video'), sent.map(copy))).toEqual([])

    const key = epoch(1n)
    keys.setKey(key, 2)
    const sealed = await run(encryptFrames(keys, 'video'), sent.map(copy))
    expect(sealed).toHaveLength(3)
    for (const [i, f] of sealed.entries()) {
      expect(f.type).toBe(sent[i]!.type)
      // The VP8 frame tag stays readable, the rest is not there in the clear.
      expect(new Uint8Array(f.data)[0]).toBe(new Uint8Array(sent[i]!.data)[0])
      expect(hex(f.data)).not.toContain(hex(sent[i]!.data.slice(20, 40)))
    }

    const theirs = new MediaKeys()
    theirs.setKey(key, 0)
    const opened = await run(decryptFrames(theirs, 'video'), sealed)
    expect(opened.map((f) => hex(f.data))).toEqual(sent.map((f) => hex(f.data)))

    const stranger = new MediaKeys()
    stranger.setKey(epoch(1n), 0)
    expect(await run(decryptFrames(stranger, 'video'), sealed)).toEqual([])
  })

  it('never repeats a counter under one key across our audio and video tracks', async () => {
    const keys = new MediaKeys()
    const key = epoch(3n)
    keys.setKey(key, 1)
    const audio = encryptFrames(keys, 'audio')
    const video = encryptFrames(keys, 'video')
    const sealed = await Promise.all([
      run(
        audio,
        Array.from({ length: 20 }, () => frame('audio', 80)),
      ),
      run(video, [frame('key'), ...Array.from({ length: 19 }, () => frame('delta'))]),
    ])
    // One decryptor for both tracks: its replay window refuses any counter it has seen under this key.
    const decryptor = new FrameDecryptor()
    decryptor.setEpoch(key)
    for (const f of sealed[0]) await decryptor.decrypt('opus', new Uint8Array(f.data))
    for (const f of sealed[1]) await decryptor.decrypt('vp8', new Uint8Array(f.data))
  })

  it('asks the video encoder for a key frame with each new key, not the audio one', async () => {
    const keys = new MediaKeys()
    const video = counter()
    const audio = counter()
    let now = 0
    encryptFrames(keys, 'video', { ...video, now: () => now })
    encryptFrames(keys, 'audio', audio)
    keys.setKey(epoch(1n), 0)
    now += KEY_FRAME_REQUEST_INTERVAL_MS
    keys.setKey(epoch(2n), 0)
    expect(video.calls.count).toBe(2)
    expect(audio.calls.count).toBe(0)
  })

  it('passes empty frames through: they carry no media', async () => {
    const keys = new MediaKeys()
    const empty = { data: new ArrayBuffer(0), type: 'empty' }
    expect(await run(encryptFrames(keys, 'video'), [empty])).toEqual([empty])
  })
})

describe('decrypting a remote track', () => {
  it('opens frames of the epoch before as well as the current one, also on a track pulled after the change', async () => {
    const sender = new MediaKeys()
    const receiver = new MediaKeys()
    const [one, two] = [epoch(1n), epoch(2n)]
    sender.setKey(one, 4)
    const early = await run(encryptFrames(sender, 'audio'), [frame('audio')])
    sender.setKey(two, 4)
    const late = await run(encryptFrames(sender, 'audio'), [frame('audio')])
    receiver.setKey(one, 0)
    receiver.setKey(two, 0)
    // The track's decryptor is made now, after both keys came.
    expect(await run(decryptFrames(receiver, 'audio'), [...early, ...late])).toHaveLength(2)
  })

  it('drops what does not open and asks for a key frame until one opens', async () => {
    const key = epoch(1n)
    const sender = new MediaKeys()
    sender.setKey(key, 0)
    const receiver = new MediaKeys()
    receiver.setKey(key, 1)
    const [sealedDelta, sealedKey, sealedDelta2] = await run(encryptFrames(sender, 'video'), [
      frame('delta'),
      frame('key'),
      frame('delta'),
    ])
    const asks = counter()
    let now = 0
    const transform = decryptFrames(receiver, 'video', { ...asks, now: () => now })
    // A frame sent in the clear (or altered) is dropped, never rendered; one request for a burst of them.
    expect(await run(transform, [frame('key'), frame('delta')])).toEqual([])
    expect(asks.calls.count).toBe(1)
    now += KEY_FRAME_REQUEST_INTERVAL_MS
    // A delta frame opens but cannot be decoded after the gap: ask again; a key frame ends it.
    const opened = await run(transform, [sealedDelta!, sealedKey!, sealedDelta2!])
    expect(opened).toHaveLength(3)
    expect(asks.calls.count).toBe(2)
    now += KEY_FRAME_REQUEST_INTERVAL_MS
    await run(transform, await run(encryptFrames(sender, 'video'), [frame('delta')]))
    expect(asks.calls.count).toBe(2)
  })

  it('refuses a replayed frame', async () => {
    const key = epoch(1n)
    const sender = new MediaKeys()
    sender.setKey(key, 0)
    const receiver = new MediaKeys()
    receiver.setKey(key, 1)
    const [sealed] = await run(encryptFrames(sender, 'audio'), [frame('audio')])
    const again = copy(sealed!)
    expect(await run(decryptFrames(receiver, 'audio'), [sealed!, again])).toHaveLength(1)
  })
})
