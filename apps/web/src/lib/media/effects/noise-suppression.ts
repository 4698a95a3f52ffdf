import { loadRnnoise, RnnoiseWorkletNode } from '@sapphi-red/web-noise-suppressor'
import rnnoiseWasm from '@sapphi-red/web-noise-suppressor/rnnoise.wasm?url'
import rnnoiseSimdWasm from '@sapphi-red/web-noise-suppressor/rnnoise_simd.wasm?url'
import rnnoiseWorklet from '@sapphi-red/web-noise-suppressor/rnnoiseWorklet.js?url'
import type { ProcessedTrack } from './track-effect.ts'

/**
 * The mic through RNNoise, in an AudioWorklet (off the main thread), with its WASM served from
 * our origin. Loaded lazily, once someone turns noise suppression on.
 */
export async function suppressNoise(mic: MediaStreamTrack): Promise<ProcessedTrack> {
  // RNNoise works on 48 kHz audio in 10 ms frames.
  const context = new AudioContext({ sampleRate: 48_000 })
  try {
    const [wasmBinary] = await Promise.all([
      loadRnnoise({ url: rnnoiseWasm, simdUrl: rnnoiseSimdWasm }),
      context.audioWorklet.addModule(rnnoiseWorklet),
    ])
    const node = new RnnoiseWorkletNode(context, { wasmBinary, maxChannels: 1 })
    const out = context.createMediaStreamDestination()
    context
      .createMediaStreamSource(new MediaStream([mic]))
      .connect(node)
      .connect(out)
    // Turned on from a remembered choice, before any click: the context waits for one.
    if (context.state === 'suspended') {
      const resume = () => void context.resume()
      document.addEventListener('pointerdown', resume, { once: true, capture: true })
      document.addEventListener('keydown', resume, { once: true, capture: true })
    }
    return {
      track: out.stream.getAudioTracks()[0]!,
      stop() {
        node.destroy()
        void context.close()
      },
    }
  } catch (error) {
    void context.close()
    throw error
  }
}
