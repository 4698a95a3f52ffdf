import { writeFileSync } from 'node:fs'

/**
 * Files for Chromium's fake camera and mic (`--use-file-for-fake-video-capture`,
 * `--use-file-for-fake-audio-capture`), made from code so the tests need nothing downloaded:
 * a person-like figure in front of a sharp background, and voiced "speech" in steady noise.
 */

export type Rgb = [number, number, number]

/** A Y4M (I420) file of `frames` identical frames at `fps`, each pixel from `paint`. */
export function writeY4m(
  path: string,
  width: number,
  height: number,
  paint: (x: number, y: number) => Rgb,
  frames = 2,
  fps = 24,
) {
  const size = width * height
  const frame = Buffer.alloc(size * 1.5)
  const cw = width / 2
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = paint(x, y)
      frame[y * width + x] = Math.round(16 + 0.257 * r + 0.504 * g + 0.098 * b)
      if (x % 2 === 0 && y % 2 === 0) {
        const c = (y / 2) * cw + x / 2
        frame[size + c] = Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b)
        frame[size * 1.25 + c] = Math.round(128 + 0.439 * r - 0.368 * g - 0.071 * b)
      }
    }
  }
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)
  const frameHeader = Buffer.from('FRAME\n')
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: frames }, () => [frameHeader, frame]).flat()]))
}

/** Inside the ellipse centred on (cx, cy) with radii (rx, ry)? */
const inEllipse = (x: number, y: number, cx: number, cy: number, rx: number, ry: number) =>
  ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1

/** Where a frame of `person` is what: the regions a test measures, in pixels. */
export interface PersonFrame {
  width: number
  height: number
  /** A patch of background only, far from the figure. */
  background: { x: number; y: number; w: number; h: number }
  /** A patch of the figure's (striped) shirt. */
  shirt: { x: number; y: number; w: number; h: number }
  paint: (x: number, y: number) => Rgb
}

/**
 * Head and shoulders, centred, in a striped shirt, on a fine black-and-white checkerboard: the
 * background has all the detail a blur removes, and the shirt's stripes show whether the person
 * kept theirs.
 */
export function person(width = 1280, height = 720): PersonFrame {
  const s = height / 480
  const cx = width / 2
  const paint = (x: number, y: number): Rgb => {
    // Shoulders and chest: a wide half-ellipse rising from the bottom edge.
    if (y > 330 * s && inEllipse(x, y, cx, height + 40 * s, 230 * s, 190 * s))
      return Math.floor(y / (6 * s)) % 2 ? [40, 70, 150] : [200, 210, 230]
    if (Math.abs(x - cx) < 32 * s && y > 290 * s && y < 350 * s) return [224, 172, 138]
    const head = inEllipse(x, y, cx, 215 * s, 82 * s, 105 * s)
    if (head && y < 160 * s) return [60, 38, 20]
    if (inEllipse(x, y, cx - 30 * s, 205 * s, 10 * s, 6 * s) || inEllipse(x, y, cx + 30 * s, 205 * s, 10 * s, 6 * s))
      return [40, 30, 30]
    if (inEllipse(x, y, cx, 265 * s, 24 * s, 8 * s)) return [170, 80, 80]
    if (head) return [224, 172, 138]
    // 12 px squares: finer ones alias at the model's 256 × 256 input into noise in which it
    // no longer finds the body (the head alone).
    return (Math.floor(x / 12) + Math.floor(y / 12)) % 2 ? [255, 255, 255] : [0, 0, 0]
  }
  return {
    width,
    height,
    paint,
    background: { x: Math.round(40 * s), y: Math.round(40 * s), w: Math.round(120 * s), h: Math.round(120 * s) },
    shirt: { x: Math.round(cx - 60 * s), y: Math.round(410 * s), w: Math.round(120 * s), h: Math.round(50 * s) },
  }
}

/** A 16-bit mono WAV of `samples` (-1..1) at `rate`. */
export function writeWav(path: string, samples: Float32Array, rate = 48_000) {
  const data = Buffer.alloc(samples.length * 2)
  samples.forEach((v, i) => data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, v)) * 32767), i * 2))
  const header = Buffer.alloc(44)
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + data.length, 4)
  header.write('WAVEfmt ', 8)
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(1, 22)
  header.writeUInt32LE(rate, 24)
  header.writeUInt32LE(rate * 2, 28)
  header.writeUInt16LE(2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36)
  header.writeUInt32LE(data.length, 40)
  writeFileSync(path, Buffer.concat([header, data]))
}

/**
 * Speech-like bursts in steady white noise: `seconds` of audio alternating `burst` seconds of a
 * voiced sound (a glottal pulse train at a gliding pitch through three vowel formants) and
 * `burst` seconds of pause, with noise at `noise` RMS throughout. Seeded, so every run is the same.
 */
export function noisySpeech({ seconds = 6, burst = 0.5, noise = 0.03, rate = 48_000 } = {}): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate))
  let seed = 1
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2 - 1
  // Two-pole resonators (formants of an "ah"), run over a pulse train.
  const formants = [700, 1220, 2600].map((f, i) => {
    const r = Math.exp((-Math.PI * [110, 120, 160][i]!) / rate)
    return { a1: 2 * r * Math.cos((2 * Math.PI * f) / rate), a2: -r * r, y1: 0, y2: 0, gain: [1, 0.5, 0.25][i]! }
  })
  let phase = 0
  for (let i = 0; i < out.length; i++) {
    const t = i / rate
    const inBurst = Math.floor(t / burst) % 2 === 0
    const within = (t % burst) / burst
    // Pitch glides like intonation; the envelope rises and falls like a syllable.
    phase += (120 + 30 * Math.sin(2 * Math.PI * 3 * t)) / rate
    const pulse = phase >= 1 ? ((phase -= 1), 1) : 0
    let voice = 0
    for (const f of formants) {
      const y = pulse + f.a1 * f.y1 + f.a2 * f.y2
      f.y2 = f.y1
      f.y1 = y
      voice += f.gain * y
    }
    const envelope = inBurst ? Math.sin(Math.PI * within) ** 0.5 : 0
    out[i] = 0.02 * voice * envelope + noise * random() * Math.sqrt(3)
  }
  return out
}
