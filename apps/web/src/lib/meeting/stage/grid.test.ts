import { describe, expect, it } from 'vitest'
import { bestGrid, visibleCount, type Stage } from './grid.ts'

const camera = { minAspect: 1, maxAspect: 16 / 9 }
const desktop: Stage = { width: 1400, height: 760, gap: 8, ...camera }
// Phones crop cameras to portrait, as Meet's apps do, or one person would fill half the screen.
const phone: Stage = { width: 374, height: 680, gap: 6, minAspect: 9 / 16, maxAspect: 16 / 9, maxColumns: 2 }
const area = (count: number, stage: Stage) => {
  const g = bestGrid(count, stage)
  return (count * g.tileWidth * g.tileHeight) / (stage.width * stage.height)
}

describe('the stage grid', () => {
  it('fills a desktop stage: one tile takes its height, two sit side by side, 16 make 4×4', () => {
    expect(bestGrid(1, desktop)).toMatchObject({ columns: 1, rows: 1, tileWidth: 1351, tileHeight: 760 })
    // Two side by side, each as tall as the stage: cropped from 16:9 to 0.92.
    expect(bestGrid(2, desktop)).toMatchObject({ columns: 2, rows: 1, tileWidth: 696, tileHeight: 696 })
    expect(bestGrid(4, desktop)).toMatchObject({ columns: 2, rows: 2 })
    expect(bestGrid(9, desktop)).toMatchObject({ columns: 3, rows: 3 })
    expect(bestGrid(16, desktop)).toMatchObject({ columns: 4, rows: 4 })
  })

  it('stacks people in one column, then two, on a phone', () => {
    expect(bestGrid(2, phone)).toMatchObject({ columns: 1, rows: 2 })
    expect(bestGrid(4, phone).columns).toBeLessThanOrEqual(2)
    expect(bestGrid(9, phone).columns).toBeLessThanOrEqual(2)
  })

  it('never leaves the stage, for any count and shape', () => {
    for (const stage of [desktop, phone, { width: 800, height: 300, gap: 8, minAspect: 4 / 3, maxAspect: 4 / 3 }]) {
      for (let count = 1; count <= 30; count++) {
        const g = bestGrid(count, stage)
        expect(g.columns * g.rows).toBeGreaterThanOrEqual(count)
        expect(g.columns * g.tileWidth + (g.columns - 1) * stage.gap).toBeLessThanOrEqual(stage.width)
        expect(g.rows * g.tileHeight + (g.rows - 1) * stage.gap).toBeLessThanOrEqual(stage.height)
      }
    }
  })

  it('gives no grid a larger tile than the one chosen', () => {
    for (let count = 1; count <= 16; count++) {
      const chosen = bestGrid(count, desktop)
      for (let columns = 1; columns <= count; columns++) {
        const rows = Math.ceil(count / columns)
        const w = Math.min(
          (desktop.width - desktop.gap * (columns - 1)) / columns,
          ((desktop.height - desktop.gap * (rows - 1)) / rows) * desktop.maxAspect,
        )
        const h = Math.min((desktop.height - desktop.gap * (rows - 1)) / rows, w / desktop.minAspect)
        expect(Math.floor(w) * Math.floor(h)).toBeLessThanOrEqual(chosen.tileWidth * chosen.tileHeight + 1)
      }
    }
  })

  it('covers most of a wide stage with 1, 2, 4, 9 and 16 people', () => {
    // What #18 asks of the page: tiles on at least 75 % of the stage.
    for (const count of [1, 2, 4, 9, 16]) expect(area(count, desktop), `${count}`).toBeGreaterThanOrEqual(0.75)
    for (const count of [1, 2, 4]) expect(area(count, phone), `phone ${count}`).toBeGreaterThanOrEqual(0.75)
  })

  it('is empty with nobody or no room', () => {
    expect(bestGrid(0, desktop)).toEqual({ columns: 0, rows: 0, tileWidth: 0, tileHeight: 0 })
    expect(bestGrid(3, { ...desktop, width: 0 }).tileWidth).toBe(0)
  })
})

describe('the overflow', () => {
  it('shows everyone while tiles stay wide enough, then as many as fit beside a "+N" tile', () => {
    expect(visibleCount(16, desktop, 160)).toBe(16)
    const shown = visibleCount(60, desktop, 240)
    expect(shown).toBeLessThan(60)
    expect(bestGrid(shown + 1, desktop).tileWidth).toBeGreaterThanOrEqual(240)
    expect(bestGrid(shown + 2, desktop).tileWidth).toBeLessThan(240)
  })
})
