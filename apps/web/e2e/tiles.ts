import type { Locator, Page } from 'playwright-core'

/** A person's camera tile as another page shows it. */
export const tileOf = (page: Page, name: string) => page.locator(`[data-testid="tile"][data-name="${name}"]`)

/**
 * Frames a `<video>` showed over half a second (the media element's own count of frames
 * presented), as a person looking at it would see them move; 0 without one.
 */
export async function framesShown(video: Locator) {
  if ((await video.count()) === 0) return 0
  return video.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<number>((resolve) => {
        const before = v.getVideoPlaybackQuality().totalVideoFrames
        setTimeout(() => resolve(v.getVideoPlaybackQuality().totalVideoFrames - before), 500)
      }),
    undefined,
    // Ten times the half second it measures: a busy page is slow to run it, and some callers read
    // it once (no frames while a camera is off) rather than polling past a timeout.
    { timeout: 5000 },
  )
}

/** Frames the tile's video of `name` showed over half a second. */
export const framesIn = (page: Page, name: string) => framesShown(tileOf(page, name).locator('video'))

/** Frames the lobby's camera preview showed over half a second, as a person checking how they look sees it. */
export const previewFrames = (page: Page) => framesShown(page.getByTestId('preview').locator('video'))
