import type { Page } from 'playwright-core'

/** What a person sees of the stage: its box and the box of every tile on it (people, AI, "+N"). */
export interface StageView {
  stage: { left: number; top: number; width: number; height: number }
  viewport: { width: number; height: number }
  tiles: Array<{ name: string; left: number; top: number; width: number; height: number }>
  /** Names of the people behind the "+N" tile's number, and the number it shows. */
  more: number
  layout: string
  /** Camera tiles shown with their video on (the others show an avatar). */
  withVideo: number
}

/** The stage as laid out on `page`: only tiles that are displayed (a hidden overflow tile is not). */
export const stageView = (page: Page): Promise<StageView> =>
  page.evaluate(() => {
    const stage = document.querySelector<HTMLElement>('[data-testid="stage"]')!
    const box = (el: Element) => {
      const r = el.getBoundingClientRect()
      return { left: r.left, top: r.top, width: r.width, height: r.height }
    }
    const tiles = [
      ...stage.querySelectorAll('[data-testid="tile"], [data-testid="ai-tile"], [data-testid="more-tile"]'),
    ]
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => ({ name: el.getAttribute('data-name') ?? el.textContent ?? '', ...box(el) }))
    const more = Number(stage.querySelector('[data-testid="more-tile"]')?.textContent?.replace('+', '') ?? 0)
    return {
      stage: box(stage),
      viewport: { width: innerWidth, height: innerHeight },
      tiles,
      more,
      layout: stage.dataset.layout ?? '',
      withVideo: [...stage.querySelectorAll('[data-testid="tile"][data-video="true"]')].filter(
        (el) => el.getClientRects().length > 0,
      ).length,
    }
  })

/** Share of the stage's area the tiles cover (0..1). */
export const coverage = ({ stage, tiles }: StageView) =>
  tiles.reduce((sum, t) => sum + t.width * t.height, 0) / (stage.width * stage.height)

/** Pairs of tiles that overlap by more than a pixel (rounding), by name. */
export function overlaps({ tiles }: StageView): string[] {
  const found: string[] = []
  for (const [i, a] of tiles.entries())
    for (const b of tiles.slice(i + 1)) {
      const x = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left)
      const y = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top)
      if (x > 1 && y > 1) found.push(`${a.name} × ${b.name}`)
    }
  return found
}

/** Tiles reaching out of the window (more than a pixel), by name. */
export const offScreen = ({ tiles, viewport }: StageView) =>
  tiles
    .filter(
      (t) =>
        t.left < -1 || t.top < -1 || t.left + t.width > viewport.width + 1 || t.top + t.height > viewport.height + 1,
    )
    .map((t) => t.name)

/**
 * Frames each camera tile's video presented over one second, by name (all measured at once, as
 * a person looking at the whole stage sees them move); tiles without a video are left out.
 */
export const framesByTile = (page: Page): Promise<Record<string, number>> =>
  page.evaluate(async () => {
    const videos = [...document.querySelectorAll<HTMLVideoElement>('[data-testid="tile"] video')].filter(
      (v) => v.getClientRects().length > 0,
    )
    // Named before the wait: a tile that goes meanwhile still counts as the frames it showed.
    const names = videos.map((v) => v.closest('[data-testid="tile"]')?.getAttribute('data-name') ?? '?')
    const before = videos.map((v) => v.getVideoPlaybackQuality().totalVideoFrames)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    return Object.fromEntries(
      videos.map((v, i) => [names[i], v.getVideoPlaybackQuality().totalVideoFrames - before[i]!]),
    )
  })

/** Marks every video element on the page with a property, to find the same elements later. */
export const tagVideos = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('video')].map((v, i) => {
      ;(v as unknown as { __stageTag: number }).__stageTag = i
      return i
    }),
  )

/** The tags still on the page's video elements (undefined for an element made since). */
export const videoTags = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('video')].map((v) => (v as unknown as { __stageTag?: number }).__stageTag),
  )
