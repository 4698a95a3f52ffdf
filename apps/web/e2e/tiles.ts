import type { Page } from 'playwright-core'

/** A person's camera tile as another page shows it. */
export const tileOf = (page: Page, name: string) => page.locator(`[data-testid="tile"][data-name="${name}"]`)

/**
 * Frames the tile's video showed over half a second (the media element's own count of frames
 * presented), as a person looking at it would see them move.
 */
export async function framesIn(page: Page, name: string) {
  const video = tileOf(page, name).locator('video')
  if ((await video.count()) === 0) return 0
  return video.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<number>((resolve) => {
        const before = v.getVideoPlaybackQuality().totalVideoFrames
        setTimeout(() => resolve(v.getVideoPlaybackQuality().totalVideoFrames - before), 500)
      }),
    undefined,
    { timeout: 2000 },
  )
}
