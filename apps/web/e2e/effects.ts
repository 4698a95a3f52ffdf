import type { Locator } from 'playwright-core'

export interface Patch {
  x: number
  y: number
  w: number
  h: number
}

/**
 * Detail in each patch of what a `<video>` shows: the variance of the Laplacian of its luma, drawn
 * at the video's own resolution. Patches are in `frameWidth` pixels (the camera file's), scaled to
 * whatever size arrived. A sharp checkerboard reads in the thousands; blurred, tens.
 */
export function detail(video: Locator, frameWidth: number, patches: Patch[]): Promise<number[]> {
  return video.evaluate(
    (v: HTMLVideoElement, { frameWidth, patches }) => {
      const canvas = document.createElement('canvas')
      canvas.width = v.videoWidth
      canvas.height = v.videoHeight
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!
      ctx.drawImage(v, 0, 0)
      const k = v.videoWidth / frameWidth
      return patches.map((p) => {
        const w = Math.round(p.w * k)
        const h = Math.round(p.h * k)
        const { data } = ctx.getImageData(Math.round(p.x * k), Math.round(p.y * k), w, h)
        const luma = (x: number, y: number) => {
          const i = 4 * (y * w + x)
          return 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!
        }
        const values: number[] = []
        for (let y = 1; y < h - 1; y++)
          for (let x = 1; x < w - 1; x++)
            values.push(4 * luma(x, y) - luma(x - 1, y) - luma(x + 1, y) - luma(x, y - 1) - luma(x, y + 1))
        const mean = values.reduce((a, b) => a + b, 0) / values.length
        return values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length
      })
    },
    { frameWidth, patches },
  )
}

/**
 * What an `<audio>` plays, as short-window loudness over `ms`: the quiet end (the 20th
 * percentile of 21 ms windows: the pauses between syllables) and the loud end (the 90th: the
 * syllables), RMS 0..1, measured with an AnalyserNode as an ear would get it.
 */
export function loudness(audio: Locator, ms = 4000): Promise<{ pauses: number; speech: number }> {
  return audio.evaluate(async (el: HTMLAudioElement, ms) => {
    const context = new AudioContext({ sampleRate: 48_000 })
    await context.resume()
    const analyser = context.createAnalyser()
    analyser.fftSize = 1024
    context.createMediaStreamSource(el.srcObject as MediaStream).connect(analyser)
    const samples = new Float32Array(analyser.fftSize)
    const windows: number[] = []
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        analyser.getFloatTimeDomainData(samples)
        windows.push(Math.sqrt(samples.reduce((a, s) => a + s * s, 0) / samples.length))
      }, 25)
      setTimeout(() => (clearInterval(timer), resolve()), ms)
    })
    await context.close()
    windows.sort((a, b) => a - b)
    const at = (q: number) => windows[Math.floor(q * (windows.length - 1))] ?? 0
    return { pauses: at(0.2), speech: at(0.9) }
  }, ms)
}
