import { describe, expect, it } from 'vitest'
import { staleUsers } from '../../src/room/presence.ts'
import { fold, joined } from '../helpers/given.ts'

const INTERVAL = 5000
/** Ada and Bob in the meeting. */
const state = fold([...joined('ada'), ...joined('bob')])

describe('who the room times out', () => {
  it('is whoever has been silent for 2.5 heartbeats, socket or not', () => {
    const now = 100_000
    const lastSeen = new Map([['ada', now - 1000]])
    // Bob has no socket and the object has been up for long: his died while it was away.
    expect(staleUsers(state, lastSeen, now, INTERVAL, now - 60_000)).toEqual(['bob'])
    expect(staleUsers(state, new Map([['ada', now - 13_000]]), now, INTERVAL, now - 60_000)).toEqual(['ada', 'bob'])
  })

  it('is nobody without a socket just after the object started: a restarted runtime, pages reconnecting', () => {
    const now = 100_000
    // Up for 2 s, nobody back yet: given the same 2.5 heartbeats as a silent socket.
    expect(staleUsers(state, new Map(), now, INTERVAL, now - 2000)).toEqual([])
    expect(staleUsers(state, new Map(), now, INTERVAL, now - 13_000)).toEqual(['ada', 'bob'])
  })
})
