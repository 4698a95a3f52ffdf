import type { User } from '@tangerine/contracts'
import { render } from 'svelte/server'
import { describe, expect, it } from 'vitest'
import Tile from './Tile.svelte'

const person = (id: string, verified: boolean): User => ({
  id,
  name: 'Ada Lovelace',
  verified,
  joined: true,
  raisedHand: false,
  speaking: false,
  tracks: { audioEnabled: true, audioUnavailable: false, videoEnabled: false, screenShareEnabled: false },
})

// The people list shows the same badge; it needs a live Meeting (a socket), so it is not rendered here.
describe('the verified badge', () => {
  it('tells the signed-in Ada from someone who typed the same name, on tiles', () => {
    const real = render(Tile, { props: { user: person('a', true), calls: undefined } }).body
    const lookalike = render(Tile, { props: { user: person('b', false), calls: undefined } }).body
    expect(real).toContain('Ada Lovelace')
    expect(real).toMatch(/class="badge verified[^"]*"[^>]*>verified</)
    expect(lookalike).toContain('Ada Lovelace')
    expect(lookalike).not.toContain('verified')
  })
})
