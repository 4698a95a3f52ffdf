// The module build of the runtime: Vite makes the worker an ES module, where MediaPipe loads its
// runtime with import() instead of importScripts().
import wasmBinary from '@mediapipe/tasks-vision/vision_wasm_module_internal.wasm?url'
import wasmLoader from '@mediapipe/tasks-vision/vision_wasm_module_internal.js?url'
import model from '@mediapipe/selfie_segmentation/selfie_segmentation.tflite?url'
import type { FromBlurWorker, StartBlur } from './blur-protocol.ts'
import type { ProcessedTrack } from './track-effect.ts'

/** The name of the performance mark carrying the worker's latest per-frame timing (for the bench). */
export const BLUR_TIMING_MARK = 'tangerine:blur-frame'

/**
 * The camera with its background blurred by the blur worker. Everything it needs (runtime, WASM,
 * model) is bundled with the app and fetched from our origin, and only once someone turns blur
 * on: this module and the worker are loaded lazily.
 */
export async function blurBackground(camera: MediaStreamTrack): Promise<ProcessedTrack> {
  const processor = new MediaStreamTrackProcessor<VideoFrame>({ track: camera })
  const generator = new MediaStreamTrackGenerator<VideoFrame>({ kind: 'video' })
  // Vite bundles the worker from this exact `new Worker(new URL(…))` form.
  const worker = new Worker(new URL('./blur.worker.ts', import.meta.url), { type: 'module', name: 'blur' })
  const stop = () => {
    worker.terminate()
    generator.stop()
  }
  const ready = new Promise<void>((resolve, reject) => {
    worker.onerror = (event) => reject(new Error(event.message || 'the blur worker failed'))
    worker.onmessage = ({ data }: MessageEvent<FromBlurWorker>) => {
      if (data.type === 'ready') resolve()
      else if (data.type === 'failed') reject(new Error(data.error))
      else {
        performance.clearMarks(BLUR_TIMING_MARK)
        performance.mark(BLUR_TIMING_MARK, { detail: data })
      }
    }
  })
  const start: StartBlur = {
    type: 'start',
    assets: { wasmLoader: abs(wasmLoader), wasmBinary: abs(wasmBinary), model: abs(model) },
    frames: processor.readable,
    blurred: generator.writable,
  }
  worker.postMessage(start, [processor.readable, generator.writable])
  try {
    await ready
  } catch (error) {
    stop()
    throw error
  }
  return { track: generator, stop }
}

/** The worker resolves URLs against its own script's, not the page's. */
const abs = (url: string) => new URL(url, location.href).href
