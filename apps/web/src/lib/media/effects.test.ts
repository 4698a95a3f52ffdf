import { describe, expect, it } from 'vitest'
import { parseChoices } from './effects.svelte.ts'

describe('parseChoices', () => {
  it('reads what was stored', () => {
    expect(parseChoices(JSON.stringify({ blur: true, noise: false }))).toEqual({ blur: true, noise: false })
  })
  it('reads nothing, damage or foreign values as off', () => {
    expect(parseChoices(null)).toEqual({ blur: false, noise: false })
    expect(parseChoices('{not json')).toEqual({ blur: false, noise: false })
    expect(parseChoices(JSON.stringify({ blur: 'yes', noise: true }))).toEqual({ blur: false, noise: true })
    expect(parseChoices('[]')).toEqual({ blur: false, noise: false })
  })
})
