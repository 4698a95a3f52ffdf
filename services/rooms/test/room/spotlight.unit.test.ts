import type { RoomEvent } from '@tangerine/contracts'
import { describe, expect, it } from 'vitest'
import { connected, ev, fold, given, joined } from '../helpers/given.ts'

const started = ev('MeetingStarted', { meetingId: 'm1' })
/** A meeting hosted by `h`, with `b` in it and `l` looking in from the lobby. */
const meeting = (): RoomEvent[] => [
  started,
  ...joined('h'),
  ev('HostAssigned', { userId: 'h' }),
  ...joined('b'),
  connected('l'),
]
const spotlit = (userId: string) => ev('UserSpotlighted', { userId, by: 'h' })

describe('the spotlight', () => {
  it('is the host’s to give, to someone in the meeting, and to end', () => {
    const g = given(...meeting())
    g.when({ type: 'SpotlightUser', data: { by: 'h', userId: 'b' } }).then([
      { type: 'UserSpotlighted', data: { by: 'h', userId: 'b' } },
    ])
    // The host may put themself there too, as Meet allows.
    g.when({ type: 'SpotlightUser', data: { by: 'h', userId: 'h' } }).then([
      { type: 'UserSpotlighted', data: { by: 'h', userId: 'h' } },
    ])
    const on = given(...meeting(), spotlit('b'))
    on.when({ type: 'EndSpotlight', data: { by: 'h' } }).then([{ type: 'SpotlightEnded', data: { by: 'h' } }])
    // Asked twice, nothing new happens.
    on.when({ type: 'SpotlightUser', data: { by: 'h', userId: 'b' } }).then([])
    g.when({ type: 'EndSpotlight', data: { by: 'h' } }).then([])
  })

  it('is refused to anyone but the host, and for anyone not in the meeting', () => {
    const g = given(...meeting())
    g.when({ type: 'SpotlightUser', data: { by: 'b', userId: 'b' } }).thenRefused('forbidden')
    g.when({ type: 'SpotlightUser', data: { by: 'l', userId: 'b' } }).thenRefused('not_joined')
    g.when({ type: 'SpotlightUser', data: { by: 'stranger', userId: 'b' } }).thenRefused('unknown_user')
    g.when({ type: 'SpotlightUser', data: { by: 'h', userId: 'l' } }).thenRefused('not_joined')
    g.when({ type: 'SpotlightUser', data: { by: 'h', userId: 'stranger' } }).thenRefused('unknown_user')
    const on = given(...meeting(), spotlit('b'))
    on.when({ type: 'EndSpotlight', data: { by: 'b' } }).thenRefused('forbidden')
    on.when({ type: 'EndSpotlight', data: { by: 'l' } }).thenRefused('not_joined')
  })

  it('is room state: set and ended by its events, gone when its person leaves or the meeting ends', () => {
    expect(fold([...meeting(), spotlit('b')]).spotlight).toBe('b')
    expect(fold([...meeting(), spotlit('b'), ev('SpotlightEnded', { by: 'h' })])).not.toHaveProperty('spotlight')
    for (const leaving of [
      ev('UserDisconnected', { userId: 'b', reason: 'timeout' }),
      ev('UserUpdated', { userId: 'b', patch: { joined: false } }),
      ev('UserRemoved', { userId: 'b', by: 'h', key: 'b' }),
      ev('UserRemovedByOperator', { userId: 'b', operator: 'ops', key: 'b' }),
    ]) {
      expect(fold([...meeting(), spotlit('b'), leaving])).not.toHaveProperty('spotlight')
    }
    // Someone else leaving leaves it be; so does the host handing over their role.
    const stays = fold([
      ...meeting(),
      spotlit('b'),
      ev('UserDisconnected', { userId: 'l', reason: 'left' }),
      ev('HostAssigned', { userId: 'b', by: 'h' }),
    ])
    expect(stays.spotlight).toBe('b')
    const ended = fold([
      ...meeting(),
      spotlit('b'),
      ev('MeetingEndedForAll', { meetingId: 'm1', by: 'h' }),
      ev('MeetingEnded', { meetingId: 'm1', peakUserCount: 2 }),
    ])
    expect(ended).not.toHaveProperty('spotlight')
  })
})
