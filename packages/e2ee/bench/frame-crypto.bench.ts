// Issue #15's first figure: CPU per frame for encrypting and decrypting a 720p stream's frames
// (a ~30 KB VP8 key frame, a ~4 KB delta frame) and a 20 ms Opus frame, on one core, in the same
// WebCrypto AES-GCM path the browser worker uses. Several runs, each after a warm-up.
import { FrameDecryptor, FrameEncryptor } from '../src/sframe/frame-crypto.ts'
import type { Codec } from '../src/sframe/clear-prefix.ts'

const RUNS = 5
const kinds: { name: string; codec: Codec; size: number; firstByte: number; frames: number }[] = [
  { name: 'VP8 key frame 30 KB', codec: 'vp8', size: 30_000, firstByte: 0x50, frames: 300 },
  { name: 'VP8 delta frame 4 KB', codec: 'vp8', size: 4_000, firstByte: 0x31, frames: 1_500 },
  { name: 'Opus frame 120 B', codec: 'opus', size: 120, firstByte: 0x78, frames: 3_000 },
]

function frame(size: number, firstByte: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536))
  bytes[0] = firstByte
  return bytes
}

async function run(kind: (typeof kinds)[number]): Promise<{ encrypt: number; decrypt: number }> {
  const epoch = { epoch: 1n, secret: crypto.getRandomValues(new Uint8Array(32)) }
  const encryptor = await FrameEncryptor.create(epoch, 0)
  const decryptor = new FrameDecryptor()
  decryptor.setEpoch(epoch)
  const plain = frame(kind.size, kind.firstByte)
  const sealed: Uint8Array<ArrayBuffer>[] = []
  // Frames go one at a time, as a transform stream hands them over.
  let start = performance.now()
  for (let i = 0; i < kind.frames; i++) sealed.push(await encryptor.encrypt(kind.codec, plain))
  const encrypt = (performance.now() - start) / kind.frames
  start = performance.now()
  for (const f of sealed) await decryptor.decrypt(kind.codec, f)
  const decrypt = (performance.now() - start) / kind.frames
  return { encrypt, decrypt }
}

const fmt = (ms: number) => ms.toFixed(3)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

for (const kind of kinds) {
  await run({ ...kind, frames: Math.ceil(kind.frames / 5) })
  const runs = []
  for (let r = 0; r < RUNS; r++) runs.push(await run(kind))
  const enc = runs.map((r) => r.encrypt)
  const dec = runs.map((r) => r.decrypt)
  console.log(
    `${kind.name}: encrypt ${fmt(median(enc))} ms/frame (${fmt(Math.min(...enc))}–${fmt(Math.max(...enc))}), ` +
      `decrypt ${fmt(median(dec))} ms/frame (${fmt(Math.min(...dec))}–${fmt(Math.max(...dec))}), ` +
      `median of ${RUNS} runs of ${kind.frames} frames`,
  )
}
