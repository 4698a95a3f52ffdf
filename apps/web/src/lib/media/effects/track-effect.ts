/** A track made from another by an effect (blur, noise suppression), and how to stop making it. */
export interface ProcessedTrack {
  track: MediaStreamTrack
  stop(): void
}

/** Turns a camera or mic track into a processed one; rejects when this browser cannot. */
export type TrackEffect = (source: MediaStreamTrack) => Promise<ProcessedTrack>
