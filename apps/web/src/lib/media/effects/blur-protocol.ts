/** What the page and the blur worker say to each other. */

/** Where the segmentation runtime and model are served from (our own static assets). */
export interface BlurAssets {
  wasmLoader: string
  wasmBinary: string
  model: string
}

export interface StartBlur {
  type: 'start'
  assets: BlurAssets
  frames: ReadableStream<VideoFrame>
  blurred: WritableStream<VideoFrame>
}

export type FromBlurWorker =
  | { type: 'ready' }
  | { type: 'failed'; error: string }
  /** Mean time to segment and composite one frame over the last `frames` frames, and their size. */
  | { type: 'timing'; frames: number; ms: number; width: number; height: number }
