import { describe, expect, it } from 'vitest'
import { arrange } from './order.ts'

const spoke = (entries: Record<string, number>) => new Map(Object.entries(entries))

describe('who is on the stage', () => {
  it('keeps the order people came in while everyone fits', () => {
    expect(arrange([], ['a', 'b', 'c'], spoke({ c: 5 }), 3)).toEqual(['a', 'b', 'c'])
    // Someone left, someone came: the rest keep their places.
    expect(arrange(['a', 'b', 'c'], ['a', 'c', 'd'], spoke({}), 3)).toEqual(['a', 'c', 'd'])
  })

  it('brings a hidden speaker onto the stage in the place of whoever spoke longest ago', () => {
    // Four places, six people: e and f are hidden. f speaks; b never spoke, the oldest shown.
    const order = arrange(
      ['a', 'b', 'c', 'd', 'e', 'f'],
      ['a', 'b', 'c', 'd', 'e', 'f'],
      spoke({ a: 1, c: 2, d: 3, f: 9 }),
      4,
    )
    expect(order).toEqual(['a', 'f', 'c', 'd', 'e', 'b'])
  })

  it('keeps the most recent speakers shown, and nobody else moves', () => {
    const before = ['a', 'b', 'c', 'd', 'e']
    // e and d spoke last; of the shown a, b, c, a spoke longest ago, then b.
    const order = arrange(before, before, spoke({ a: 1, b: 2, c: 8, d: 7, e: 9 }), 3)
    expect(order.slice(0, 3).sort()).toEqual(['c', 'd', 'e'])
    expect(order.indexOf('c')).toBe(2)
    // Nobody speaking since: the same order again.
    expect(arrange(order, before, spoke({ a: 1, b: 2, c: 8, d: 7, e: 9 }), 3)).toEqual(order)
  })

  it('leaves the shown alone when the hidden spoke before them', () => {
    const before = ['a', 'b', 'c', 'd']
    expect(arrange(before, before, spoke({ a: 5, b: 6, c: 1 }), 2)).toEqual(before)
  })

  it('puts newcomers at the end, hidden when the stage is full', () => {
    expect(arrange(['a', 'b'], ['x', 'a', 'b'], spoke({}), 2)).toEqual(['a', 'b', 'x'])
  })
})
