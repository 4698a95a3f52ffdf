import type { Grid } from './grid.ts'

/** Where one tile sits on the stage, in CSS pixels from its top left corner. */
export interface Place {
  left: number
  top: number
  width: number
  height: number
}

/**
 * The places of `count` tiles of `grid`, row by row, the whole block centred in `width` ×
 * `height` and a last row that is not full centred under the others, as Meet lays them out.
 * Absolute places rather than CSS grid cells, so a tile moves without its element moving in the
 * DOM (its video keeps playing).
 */
export function placeTiles(count: number, grid: Grid, width: number, height: number, gap: number): Place[] {
  const { columns, rows, tileWidth, tileHeight } = grid
  if (count <= 0 || columns <= 0) return []
  const blockWidth = columns * tileWidth + (columns - 1) * gap
  const blockHeight = rows * tileHeight + (rows - 1) * gap
  const left = (width - blockWidth) / 2
  const top = (height - blockHeight) / 2
  return Array.from({ length: count }, (_, i) => {
    const row = Math.floor(i / columns)
    const column = i % columns
    const inRow = Math.min(columns, count - row * columns)
    const shift = ((columns - inRow) * (tileWidth + gap)) / 2
    return {
      left: Math.round(left + shift + column * (tileWidth + gap)),
      top: Math.round(top + row * (tileHeight + gap)),
      width: tileWidth,
      height: tileHeight,
    }
  })
}
