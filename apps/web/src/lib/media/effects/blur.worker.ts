import { ImageSegmenter } from '@mediapipe/tasks-vision'
import type { FromBlurWorker, StartBlur } from './blur-protocol.ts'
import { withImageInputMetadata } from './tflite-metadata.ts'

/**
 * Background blur, off the page's main thread: each camera frame is segmented (person or not)
 * and redrawn with everything but the person blurred. Frames arrive and leave as streams
 * (MediaStreamTrackProcessor/Generator on the page), so the published track is a normal one.
 */

/** How much smaller the background is drawn before blurring: cheaper, and blurrier once scaled back. */
const DOWNSCALE = 4
/**
 * The width frames are segmented at: the model sees 256 × 256 whatever it is given, and the mask
 * comes back at the size it was given, to be scaled up (and so softened) onto the frame.
 */
const SEGMENT_WIDTH = 320
const BLUR_PX = 3
const TIMING_EVERY = 30

const post = (message: FromBlurWorker) => postMessage(message)

async function segmenter(assets: StartBlur['assets']): Promise<ImageSegmenter> {
  const model = new Uint8Array(await (await fetch(assets.model)).arrayBuffer())
  return ImageSegmenter.createFromOptions(
    { wasmLoaderPath: assets.wasmLoader, wasmBinaryPath: assets.wasmBinary },
    {
      // The legacy selfie model takes RGB in [0, 1]: (pixel - 0) / 255.
      baseOptions: { modelAssetBuffer: withImageInputMetadata(model, { mean: [0], std: [255] }), delegate: 'CPU' },
      runningMode: 'VIDEO',
      outputConfidenceMasks: true,
      outputCategoryMask: false,
    },
  )
}

/** Draws one frame: the person from the frame, over a blurred copy of the whole frame. */
class Compositor {
  #out = new OffscreenCanvas(1, 1)
  #ctx = this.#out.getContext('2d')!
  #small = new OffscreenCanvas(1, 1)
  #smallCtx = this.#small.getContext('2d')!
  #mask = new OffscreenCanvas(1, 1)
  #maskCtx = this.#mask.getContext('2d')!
  #alpha = new ImageData(1, 1)
  #input = new OffscreenCanvas(1, 1)
  #inputCtx = this.#input.getContext('2d')!

  /** The frame at the size it is segmented at. */
  small(frame: VideoFrame): OffscreenCanvas {
    const height = Math.round((SEGMENT_WIDTH * frame.displayHeight) / frame.displayWidth)
    if (this.#input.height !== height) {
      this.#input.width = SEGMENT_WIDTH
      this.#input.height = height
    }
    this.#inputCtx.drawImage(frame, 0, 0, this.#input.width, this.#input.height)
    return this.#input
  }

  draw(frame: VideoFrame, person: Float32Array, maskWidth: number, maskHeight: number): VideoFrame {
    const { displayWidth: w, displayHeight: h } = frame
    if (this.#out.width !== w || this.#out.height !== h) {
      this.#out.width = w
      this.#out.height = h
      this.#small.width = Math.max(1, Math.round(w / DOWNSCALE))
      this.#small.height = Math.max(1, Math.round(h / DOWNSCALE))
    }
    if (this.#alpha.width !== maskWidth || this.#alpha.height !== maskHeight) {
      this.#mask.width = maskWidth
      this.#mask.height = maskHeight
      this.#alpha = new ImageData(maskWidth, maskHeight)
    }
    const alpha = this.#alpha.data
    for (let i = 0; i < person.length; i++) alpha[4 * i + 3] = person[i]! * 255
    this.#maskCtx.putImageData(this.#alpha, 0, 0)

    this.#smallCtx.filter = `blur(${BLUR_PX}px)`
    this.#smallCtx.drawImage(frame, 0, 0, this.#small.width, this.#small.height)

    const ctx = this.#ctx
    ctx.globalCompositeOperation = 'copy'
    ctx.drawImage(this.#mask, 0, 0, w, h)
    ctx.globalCompositeOperation = 'source-in'
    ctx.drawImage(frame, 0, 0, w, h)
    ctx.globalCompositeOperation = 'destination-over'
    ctx.drawImage(this.#small, 0, 0, w, h)
    return new VideoFrame(this.#out, { timestamp: frame.timestamp })
  }
}

async function run({ assets, frames, blurred }: StartBlur) {
  let task: ImageSegmenter
  try {
    task = await segmenter(assets)
  } catch (error) {
    return post({ type: 'failed', error: error instanceof Error ? error.message : String(error) })
  }
  post({ type: 'ready' })
  const compositor = new Compositor()
  let lastMs = -1
  let spent = 0
  let count = 0
  await frames
    .pipeThrough(
      new TransformStream<VideoFrame, VideoFrame>({
        transform(frame, controller) {
          const started = performance.now()
          // MediaPipe wants strictly increasing timestamps in ms; frame timestamps are in µs.
          lastMs = Math.max(lastMs + 1, Math.round(frame.timestamp / 1000))
          let out: VideoFrame | undefined
          try {
            task.segmentForVideo(compositor.small(frame), lastMs, (result) => {
              const mask = result.confidenceMasks?.[0]
              if (mask) out = compositor.draw(frame, mask.getAsFloat32Array(), mask.width, mask.height)
            })
          } finally {
            frame.close()
          }
          if (!out) return
          controller.enqueue(out)
          spent += performance.now() - started
          if (++count === TIMING_EVERY) {
            post({
              type: 'timing',
              frames: count,
              ms: spent / count,
              width: out.displayWidth,
              height: out.displayHeight,
            })
            spent = count = 0
          }
        },
      }),
    )
    .pipeTo(blurred)
}

onmessage = ({ data }: MessageEvent<StartBlur>) => void run(data)
