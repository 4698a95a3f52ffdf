// Chromium's "insertable streams for raw media" (MediaStreamTrackProcessor/Generator), which
// TypeScript's DOM library does not describe yet: only what this folder uses.
declare class MediaStreamTrackProcessor<T> {
  constructor(init: { track: MediaStreamTrack; maxBufferSize?: number })
  readonly readable: ReadableStream<T>
}
declare class MediaStreamTrackGenerator<T> extends MediaStreamTrack {
  constructor(init: { kind: 'video' | 'audio' })
  readonly writable: WritableStream<T>
}
