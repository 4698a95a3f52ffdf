import type { LoggedEvent, RoomState, User } from '@tangerine/contracts'
import { describe, expect, it } from 'vitest'
import { noticeOf } from './notices.ts'

const user = (id: string, name: string): User => ({
  id,
  name,
  verified: false,
  raisedHand: false,
  speaking: false,
  joined: true,
  tracks: { audioEnabled: true, audioUnavailable: false, videoEnabled: true, screenShareEnabled: false },
})
const state = (...users: User[]): RoomState => ({
  peakUserCount: users.length,
  users,
  ai: { status: 'absent' },
  chat: [],
})
const event = (type: string, data: object) =>
  ({ seq: 9, type, data, metadata: { at: new Date(0).toISOString(), actor: 'x', schemaVersion: 1 } }) as LoggedEvent

const [me, ada, bob] = [user('me', 'Me'), user('ada', 'Ada'), user('bob', 'Bob')]

describe('what an event tells someone in the meeting', () => {
  it('names who joined, with a chime, and not ourselves', () => {
    const after = state(me, ada)
    expect(noticeOf(event('UserUpdated', { userId: 'ada', patch: { joined: true } }), 'me', state(me), after)).toEqual({
      toast: 'Ada joined',
      chime: 'join',
    })
    expect(
      noticeOf(event('UserUpdated', { userId: 'me', patch: { joined: true } }), 'me', state(), after),
    ).toBeUndefined()
    expect(
      noticeOf(event('UserUpdated', { userId: 'ada', patch: { speaking: true } }), 'me', after, after),
    ).toBeUndefined()
  })

  it('names who left or was removed as they were before they went', () => {
    const before = state(me, ada, bob)
    const after = state(me, ada)
    expect(noticeOf(event('UserDisconnected', { userId: 'bob' }), 'me', before, after)).toEqual({
      toast: 'Bob left',
      chime: 'leave',
    })
    expect(noticeOf(event('UserRemoved', { userId: 'bob', by: 'ada', key: 'k' }), 'me', before, after)).toEqual({
      toast: 'Ada removed Bob',
    })
  })

  it('tells us we were muted by someone else, and what the host did', () => {
    const now = state(me, ada)
    expect(noticeOf(event('UserMuted', { userId: 'me', by: 'ada' }), 'me', now, now)).toEqual({
      toast: 'You were muted by Ada',
    })
    expect(noticeOf(event('UserMuted', { userId: 'me', by: 'me' }), 'me', now, now)).toBeUndefined()
    expect(noticeOf(event('HostAssigned', { userId: 'me' }), 'me', now, now)).toEqual({ toast: 'You are now the host' })
    expect(noticeOf(event('RoomLocked', { by: 'ada' }), 'me', now, now)).toEqual({ toast: 'Ada locked the meeting' })
    expect(noticeOf(event('UnmuteRequested', { userId: 'me', by: 'ada' }), 'me', now, now)).toEqual({
      toast: 'Ada asks you to unmute',
    })
  })

  it('says who put whom on everyone’s stage, and who took them off', () => {
    const now = state(me, ada, bob)
    expect(noticeOf(event('UserSpotlighted', { userId: 'bob', by: 'ada' }), 'me', now, now)).toEqual({
      toast: 'Ada spotlighted Bob for everyone',
    })
    expect(noticeOf(event('UserSpotlighted', { userId: 'me', by: 'ada' }), 'me', now, now)).toEqual({
      toast: 'Ada spotlighted you for everyone',
    })
    expect(noticeOf(event('UserSpotlighted', { userId: 'bob', by: 'me' }), 'me', now, now)).toEqual({
      toast: 'You spotlighted Bob for everyone',
    })
    expect(noticeOf(event('SpotlightEnded', { by: 'ada' }), 'me', now, now)).toEqual({
      toast: 'Ada ended the spotlight',
    })
  })
})
