/**
 * The simulcast layers a camera publishes, best first. The rids follow Cloudflare's convention
 * ("a" is the best layer), which the SFU's choice of a fallback layer relies on.
 */
export const cameraLayers = [
  { rid: 'a', width: 1280, height: 720, maxBitrate: 1_200_000 },
  { rid: 'b', width: 640, height: 360, maxBitrate: 450_000 },
  { rid: 'c', width: 320, height: 180, maxBitrate: 150_000 },
] as const

export type LayerRid = (typeof cameraLayers)[number]['rid']

/** The lowest layer: what data saver asks for everywhere. */
export const LOWEST_LAYER: LayerRid = 'c'

/** A layer this much smaller than the tile still looks sharp enough (and saves the next one's bitrate). */
const SLACK = 1.25

/**
 * The smallest layer that fills a tile of `width`×`height` CSS pixels on a screen of `pixelRatio`:
 * the video covers the tile, so the layer must match its width and its height.
 */
export function layerFor(width: number, height: number, pixelRatio = 1): LayerRid {
  const fits = [...cameraLayers]
    .reverse()
    .find((l) => l.width * SLACK >= width * pixelRatio && l.height * SLACK >= height * pixelRatio)
  return fits?.rid ?? cameraLayers[0].rid
}

/** The best of several layers asked for ("a" before "b"), or none. */
export function bestLayer(rids: Iterable<LayerRid>): LayerRid | undefined {
  let best: LayerRid | undefined
  for (const rid of rids) if (best === undefined || rid < best) best = rid
  return best
}
