/**
 * Where tiles go on the stage: the grid that gives each of `count` tiles the largest area inside
 * `width` × `height` with `gap` between them, as Meet and LiveKit do it. A tile fills its cell
 * between `minAspect` and `maxAspect` (width / height); the video covers it, cropped at the edges
 * when the tile is narrower than the camera (16:9). Pure, so the layout is recomputed on every
 * resize without touching a video element.
 */
export interface Grid {
  columns: number
  rows: number
  /** One tile's size in CSS pixels (all tiles are the same size). */
  tileWidth: number
  tileHeight: number
}

export interface Stage {
  width: number
  height: number
  gap: number
  /** How narrow a tile may get (width / height): 1 lets a 16:9 camera be cropped to a square. */
  minAspect: number
  /** How wide: 16 / 9, a camera's own shape. */
  maxAspect: number
  /** At most this many columns (phones: 2), however many people. */
  maxColumns?: number
}

const EMPTY: Grid = { columns: 0, rows: 0, tileWidth: 0, tileHeight: 0 }

/** The tile a grid of `columns` × `rows` allows: its cell, trimmed to the aspect limits. */
function tileIn(columns: number, rows: number, { width, height, gap, minAspect, maxAspect }: Stage) {
  const cellWidth = (width - gap * (columns - 1)) / columns
  const cellHeight = (height - gap * (rows - 1)) / rows
  if (cellWidth <= 0 || cellHeight <= 0) return undefined
  const tileWidth = Math.min(cellWidth, cellHeight * maxAspect)
  const tileHeight = Math.min(cellHeight, tileWidth / minAspect)
  return { tileWidth, tileHeight }
}

/** The best grid for `count` tiles, or an empty one for none or a stage with no room. */
export function bestGrid(count: number, stage: Stage): Grid {
  let best = EMPTY
  if (count <= 0 || stage.width <= 0 || stage.height <= 0) return best
  for (let columns = 1; columns <= Math.min(count, stage.maxColumns ?? count); columns++) {
    const rows = Math.ceil(count / columns)
    const tile = tileIn(columns, rows, stage)
    if (tile && tile.tileWidth * tile.tileHeight > best.tileWidth * best.tileHeight) best = { columns, rows, ...tile }
  }
  return { ...best, tileWidth: Math.floor(best.tileWidth), tileHeight: Math.floor(best.tileHeight) }
}

/**
 * How many of `count` tiles are shown when each must stay at least `minTileWidth` wide: all of
 * them, or as many as fit with one place left for the "+N" tile standing for the rest.
 */
export function visibleCount(count: number, stage: Stage, minTileWidth: number): number {
  if (bestGrid(count, stage).tileWidth >= minTileWidth) return count
  let shown = count - 1
  // One tile of the grid is the "+N": `shown` people and it.
  while (shown > 1 && bestGrid(shown + 1, stage).tileWidth < minTileWidth) shown--
  return shown
}
