import { createCallsClient } from '@tangerine/contracts/calls/client'
import type { Page } from 'playwright-core'

/*
 * The SFU operator as an eavesdropper: it holds the Calls app's id and secret, so it opens a
 * session of its own straight at the SFU (no media Worker, no room, no page of ours), pulls
 * someone's published tracks, and receives them in a bare RTCPeerConnection whose encoded
 * transform only keeps a copy of each frame. Then it tries real decoders (WebCodecs) on them.
 */

/** The stack's local SFU and the dev app it accepts (scripts/lib/stack.mjs, services/media/.dev.vars.example). */
const operator = createCallsClient({
  baseUrl: 'http://127.0.0.1:7880/v1',
  appId: 'tangerine-dev',
  appSecret: 'dev-secret',
})

/** A published track, as the room state names it: `sessionId/trackName`. */
export interface TrackRef {
  sessionId: string
  trackName: string
}
export const refOf = (ref: string): TrackRef => {
  const [sessionId = '', trackName = ''] = ref.split('/')
  return { sessionId, trackName }
}

/** Runs in the eavesdropper's page before anything: a peer connection that keeps a copy of every encoded frame. */
export function frameCapture() {
  // The transform runs in a worker: it copies each frame's bytes out, then passes the frame on
  // (so the browser keeps asking for keyframes as a receiver does), without touching it.
  const worker = `onrtctransform = (event) => {
    const { readable, writable, options } = event.transformer
    const kind = options.kind
    readable.pipeThrough(new TransformStream({
      transform(frame, out) {
        const data = frame.data.slice(0)
        postMessage({ kind, type: frame.type, data }, [data])
        out.enqueue(frame)
      }
    })).pipeTo(writable)
  }`
  const url = URL.createObjectURL(new Blob([worker], { type: 'text/javascript' }))
  const w = window as unknown as Eavesdropper
  w.__frames = { audio: [], video: [] }
  w.__pc = new RTCPeerConnection()
  w.__pc.ontrack = ({ receiver, track }) => {
    const transformer = new Worker(url)
    transformer.onmessage = ({ data }: MessageEvent<CapturedFrame & { kind: 'audio' | 'video' }>) => {
      const frames = w.__frames[data.kind]
      // About twenty seconds of either kind is plenty, and bounds the page's memory.
      if (frames.length < 1000) frames.push({ type: data.type, data: data.data })
    }
    receiver.transform = new RTCRtpScriptTransform(transformer, { kind: track.kind })
  }
}

interface CapturedFrame {
  type?: 'key' | 'delta' | 'empty'
  data: ArrayBuffer
}
interface Eavesdropper {
  __frames: { audio: CapturedFrame[]; video: CapturedFrame[] }
  __pc: RTCPeerConnection
}

/** Pulls `tracks` into `page` (which ran `frameCapture`) through a Calls session of the operator's own. */
export async function pull(page: Page, tracks: TrackRef[]) {
  const { sessionId } = await operator.newSession()
  const pulled = await operator.newTracks(sessionId, { tracks: tracks.map((t) => ({ location: 'remote', ...t })) })
  const offer = pulled.sessionDescription
  if (!pulled.requiresImmediateRenegotiation || offer?.type !== 'offer')
    throw new Error(`The SFU made no offer for the pull: ${JSON.stringify(pulled)}`)
  const answer = await page.evaluate(async (sdp) => {
    const pc = (window as unknown as Eavesdropper).__pc
    await pc.setRemoteDescription({ type: 'offer', sdp })
    await pc.setLocalDescription()
    // Calls takes a whole answer: no trickle.
    if (pc.iceGatheringState !== 'complete')
      await new Promise<void>((resolve) =>
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()),
      )
    return pc.localDescription!.sdp
  }, offer.sdp)
  await operator.renegotiate(sessionId, { sessionDescription: { type: 'answer', sdp: answer } })
  return sessionId
}

/** How many frames of each kind the page has captured so far. */
export const captured = (page: Page) =>
  page.evaluate(() => {
    const { audio, video } = (window as unknown as Eavesdropper).__frames
    return { audio: audio.length, video: video.length, keyframes: video.filter((f) => f.type === 'key').length }
  })

export interface Vp8Report {
  keyframes: number
  /** Keyframes that a fresh decoder turned into a picture. */
  keyframesDecoded: number
  /** Pictures out of the keyframes and the delta frames after each. */
  framesDecoded: number
  errors: string[]
}

/**
 * VP8 through WebCodecs: each captured keyframe in a fresh decoder, followed by the delta frames
 * after it, counting the pictures that come out and the errors (a decoder that errs closes).
 */
export const decodeVp8 = (page: Page): Promise<Vp8Report> =>
  page.evaluate(async () => {
    const frames = (window as unknown as Eavesdropper).__frames.video
    const report = { keyframes: 0, keyframesDecoded: 0, framesDecoded: 0, errors: [] as string[] }
    const starts = frames.flatMap((f, i) => (f.type === 'key' ? [i] : [])).slice(0, 5)
    report.keyframes = starts.length
    for (const start of starts) {
      let pictures = 0
      let failed = false
      const decoder = new VideoDecoder({
        output: (picture) => {
          pictures++
          picture.close()
        },
        error: (e) => {
          failed = true
          report.errors.push(e.message)
        },
      })
      decoder.configure({ codec: 'vp8' })
      const run = frames.slice(start, start + 30)
      for (const [i, f] of run.entries()) {
        if (i > 0 && f.type === 'key') break
        if (decoder.state === 'closed') break
        decoder.decode(
          new EncodedVideoChunk({ type: f.type === 'key' ? 'key' : 'delta', timestamp: i * 33_333, data: f.data }),
        )
      }
      if (decoder.state !== 'closed') await decoder.flush().catch((e: Error) => report.errors.push(e.message))
      if (decoder.state !== 'closed') decoder.close()
      if (pictures > 0 && !failed) report.keyframesDecoded++
      report.framesDecoded += pictures
    }
    return report
  })

export interface OpusReport {
  frames: number
  decoded: number
  errors: string[]
  /** RMS (0..1) of the decoded audio. */
  level: number
  /** The strongest frequency of the decoded audio (Hz), and the share of its power within ±20 Hz of `toneHz`. */
  peakHz: number
  toneShare: number
}

/**
 * Opus through WebCodecs, frame by frame, then the decoded audio's level and spectrum: how much
 * of its power sits at `toneHz`, the fake mic's tone as `micTone` finds it.
 */
export const decodeOpus = (page: Page, toneHz: number): Promise<OpusReport> =>
  page.evaluate(
    async ({ toneHz, spectrum }) => {
      const frames = (window as unknown as Eavesdropper).__frames.audio
      const errors: string[] = []
      const chunks: Float32Array[] = []
      const decoder = new AudioDecoder({
        output: (audio) => {
          const samples = new Float32Array(audio.numberOfFrames)
          audio.copyTo(samples, { planeIndex: 0, format: 'f32-planar' })
          chunks.push(samples)
          audio.close()
        },
        error: (e) => errors.push(e.message),
      })
      decoder.configure({ codec: 'opus', sampleRate: 48_000, numberOfChannels: 1 })
      for (const [i, f] of frames.entries()) {
        if (decoder.state === 'closed') break
        decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: i * 20_000, data: f.data }))
      }
      if (decoder.state !== 'closed') await decoder.flush().catch((e: Error) => errors.push(e.message))
      const samples = Float32Array.from(chunks.flatMap((c) => [...c]))
      const analyse = new Function(`return (${spectrum})`)() as (s: Float32Array, hz: number) => object
      return { frames: frames.length, decoded: chunks.length, errors, ...analyse(samples, toneHz) } as OpusReport
    },
    { toneHz, spectrum: analyseSpectrum.toString() },
  )

/**
 * The fake mic's own sound, straight from getUserMedia in the eavesdropper's page (the same
 * Chromium fake device the person's page has): its strongest frequency and level.
 */
export const micTone = (page: Page): Promise<{ peakHz: number; level: number; toneShare: number }> =>
  page.evaluate(
    async ({ spectrum }) => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true })
      const [track] = stream.getAudioTracks()
      // Chromium's breakout box, not in TypeScript's DOM types yet.
      const Processor = (
        window as unknown as {
          MediaStreamTrackProcessor: new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<AudioData> }
        }
      ).MediaStreamTrackProcessor
      const reader = new Processor({ track: track! }).readable.getReader()
      const chunks: Float32Array[] = []
      let total = 0
      while (total < 48_000 * 3) {
        const { value: audio } = await reader.read()
        if (!audio) break
        const samples = new Float32Array(audio.numberOfFrames)
        audio.copyTo(samples, { planeIndex: 0, format: 'f32-planar' })
        chunks.push(samples)
        total += samples.length
        audio.close()
      }
      track!.stop()
      const samples = Float32Array.from(chunks.flatMap((c) => [...c]))
      const analyse = new Function(`return (${spectrum})`)() as (s: Float32Array, hz: number) => object
      return analyse(samples, 0) as { peakHz: number; level: number; toneShare: number }
    },
    { spectrum: analyseSpectrum.toString() },
  )

/**
 * Level and spectrum of 48 kHz samples: power per 10 Hz from 100 Hz to 4 kHz (Goertzel, over the
 * loudest three seconds at most), the peak, and the share of that power within ±20 Hz of `toneHz`
 * (of the peak when `toneHz` is 0). Self-contained: it runs in the page.
 */
function analyseSpectrum(all: Float32Array, toneHz: number) {
  const rate = 48_000
  const samples = all.subarray(0, rate * 3)
  let sum = 0
  for (const s of samples) sum += s * s
  const level = samples.length ? Math.sqrt(sum / samples.length) : 0
  const powers: Array<[number, number]> = []
  for (let hz = 100; hz <= 4000; hz += 10) {
    const k = (2 * Math.cos((2 * Math.PI * hz) / rate)) as number
    let a = 0
    let b = 0
    for (const s of samples) {
      const c = s + k * a - b
      b = a
      a = c
    }
    powers.push([hz, a * a + b * b - k * a * b])
  }
  const total = powers.reduce((t, [, p]) => t + p, 0)
  const [peakHz] = powers.reduce((best, x) => (x[1] > best[1] ? x : best), [0, -1])
  const at = toneHz || peakHz
  const near = powers.filter(([hz]) => Math.abs(hz - at) <= 20).reduce((t, [, p]) => t + p, 0)
  return { level, peakHz, toneShare: total > 0 ? near / total : 0 }
}
