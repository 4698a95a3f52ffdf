import { describe, expect, it } from 'vitest'
import { bestGrid } from './grid.ts'
import { placeTiles } from './place.ts'

const stage = { width: 1200, height: 700, gap: 8, minAspect: 3 / 4, maxAspect: 16 / 9 }

describe('tile places', () => {
  it('centres the grid and the last row, with no two tiles overlapping', () => {
    for (let count = 1; count <= 20; count++) {
      const places = placeTiles(count, bestGrid(count, stage), stage.width, stage.height, stage.gap)
      expect(places).toHaveLength(count)
      for (const [i, a] of places.entries()) {
        expect(a.left).toBeGreaterThanOrEqual(0)
        expect(a.top).toBeGreaterThanOrEqual(0)
        expect(a.left + a.width).toBeLessThanOrEqual(stage.width)
        expect(a.top + a.height).toBeLessThanOrEqual(stage.height)
        for (const b of places.slice(i + 1)) {
          const apart =
            a.left + a.width <= b.left ||
            b.left + b.width <= a.left ||
            a.top + a.height <= b.top ||
            b.top + b.height <= a.top
          expect(apart).toBe(true)
        }
      }
    }
  })

  it('puts three tiles as two over one, the one in the middle', () => {
    const grid = { columns: 2, rows: 2, tileWidth: 400, tileHeight: 300 }
    const [a, b, c] = placeTiles(3, grid, 1000, 700, 10)
    expect(a).toMatchObject({ left: 95, top: 45 })
    expect(b).toMatchObject({ left: 505, top: 45 })
    expect(c).toMatchObject({ left: 300, top: 355 })
  })
})
