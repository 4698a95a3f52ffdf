import { describe, expect, it } from 'vitest'
import { Viewing } from './viewing.svelte.ts'

/** Just what Viewing uses of a browser's localStorage. */
const memoryStorage = (initial: Record<string, string> = {}) => {
  const items = new Map(Object.entries(initial))
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  } as Storage
}

describe('what of the others’ video a person takes', () => {
  it('is everything at first, and remembered once chosen', () => {
    const storage = memoryStorage()
    const first = new Viewing(storage)
    expect(first.mode).toBe('all')
    first.toggle('dataSaver')
    expect(new Viewing(storage).mode).toBe('dataSaver')
    // Audio only replaces data saver; turned off, it is back to everything.
    const next = new Viewing(storage)
    next.toggle('audioOnly')
    expect(new Viewing(storage).mode).toBe('audioOnly')
    next.toggle('audioOnly')
    expect(new Viewing(storage).mode).toBe('all')
  })

  it('is the fitting layer, the lowest for the speaker and the pinned with data saver, or none', () => {
    const viewing = new Viewing(memoryStorage())
    expect([viewing.cameraQuality(false), viewing.cameraQuality(true)]).toEqual(['fit', 'fit'])
    viewing.toggle('dataSaver')
    expect([viewing.cameraQuality(false), viewing.cameraQuality(true)]).toEqual(['none', 'lowest'])
    viewing.toggle('audioOnly')
    expect([viewing.cameraQuality(false), viewing.cameraQuality(true)]).toEqual(['none', 'none'])
  })

  it('starts from everything over a value it does not know', () => {
    expect(new Viewing(memoryStorage({ 'tangerine:viewing': '{"dataSaver":true}' })).mode).toBe('all')
  })
})
