import { describe, expect, it } from 'vitest'
import { bestLayer, layerFor } from './layers.ts'

describe('the simulcast layer a tile asks for', () => {
  it('is the smallest that covers the tile, in device pixels', () => {
    expect(layerFor(256, 144)).toBe('c')
    expect(layerFor(400, 225)).toBe('c')
    expect(layerFor(420, 236)).toBe('b')
    // A tall tile needs the height as much as the width (the video covers it).
    expect(layerFor(300, 300)).toBe('b')
    expect(layerFor(800, 450)).toBe('b')
    expect(layerFor(900, 506)).toBe('a')
    // Larger than any layer: the best there is.
    expect(layerFor(1920, 1080)).toBe('a')
    // The same tile on a 2× screen needs twice the pixels.
    expect(layerFor(400, 225, 2)).toBe('b')
  })

  it('is the best asked for when several watch one track', () => {
    expect(bestLayer(['c', 'a', 'b'])).toBe('a')
    expect(bestLayer(['c'])).toBe('c')
    expect(bestLayer([])).toBeUndefined()
  })
})
