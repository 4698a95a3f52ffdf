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
    expect([first.dataSaver, first.audioOnly]).toEqual([false, false])
    first.setDataSaver(true)
    const next = new Viewing(storage)
    expect([next.dataSaver, next.audioOnly]).toEqual([true, false])
    next.setAudioOnly(true)
    expect(new Viewing(storage).audioOnly).toBe(true)
  })

  it('is the fitting layer, the lowest for the speaker and the pinned with data saver, or none', () => {
    const viewing = new Viewing(memoryStorage())
    expect([viewing.cameraQuality(false), viewing.cameraQuality(true)]).toEqual(['fit', 'fit'])
    viewing.setDataSaver(true)
    expect([viewing.cameraQuality(false), viewing.cameraQuality(true)]).toEqual(['none', 'lowest'])
    viewing.setAudioOnly(true)
    expect([viewing.cameraQuality(false), viewing.cameraQuality(true)]).toEqual(['none', 'none'])
  })

  it('starts from the defaults over a value it cannot read', () => {
    const viewing = new Viewing(memoryStorage({ 'tangerine:viewing': '{not json' }))
    expect([viewing.dataSaver, viewing.audioOnly]).toEqual([false, false])
    expect(new Viewing(memoryStorage({ 'tangerine:viewing': 'null' })).dataSaver).toBe(false)
  })
})
