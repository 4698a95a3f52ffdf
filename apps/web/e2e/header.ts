import type { Page } from 'playwright-core'

/**
 * Where what the meeting's header shows lies: the tops of its visible pieces (one row when they
 * are within a few pixels), the rightmost edge, and the line boxes of the safety number if shown.
 */
export const headerLayout = (page: Page) =>
  page.evaluate(() => {
    const bar = document.querySelector('.meeting > header')!
    const shown = [...bar.querySelectorAll('svg, span, code, p')].filter((e) => {
      const r = e.getBoundingClientRect()
      return r.width > 1 && r.height > 1
    })
    const tops = shown.map((e) => e.getBoundingClientRect().top)
    return {
      tops,
      rows: Math.max(...tops) - Math.min(...tops),
      number: document.querySelector('[data-testid="safety-number"]')?.getClientRects().length ?? 0,
      right: Math.max(...shown.map((e) => e.getBoundingClientRect().right)),
    }
  })
