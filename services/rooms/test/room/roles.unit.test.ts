import type { RoomEvent } from '@tangerine/contracts'
import { describe, expect, it } from 'vitest'
import { evolve } from '@tangerine/room-model'
import { connected, ev, fold, given, joined } from '../helpers/given.ts'

const started = ev('MeetingStarted', { meetingId: 'm1' })
const host = (userId: string) => ev('HostAssigned', { userId })
const audioOn = (userId: string) => ev('UserUpdated', { userId, patch: { tracks: { audioEnabled: true } } })
/** A meeting hosted by `h`, with `b` in it talking and `l` looking in from the lobby. */
const meeting = (): RoomEvent[] => [started, ...joined('h'), host('h'), ...joined('b'), audioOn('b'), connected('l')]

describe('the host', () => {
  it('is the first to join the meeting, and only the first', () => {
    given(connected('a'))
      .when({ type: 'UpdateUser', data: { userId: 'a', patch: { joined: true } } })
      .then([
        { type: 'MeetingStarted', data: { meetingId: 'id-1', e2ee: true } },
        { type: 'UserUpdated', data: { userId: 'a', patch: { joined: true } } },
        { type: 'HostAssigned', data: { userId: 'a' } },
      ])
    given(...meeting())
      .when({ type: 'UpdateUser', data: { userId: 'l', patch: { joined: true } } })
      .then([{ type: 'UserUpdated', data: { userId: 'l', patch: { joined: true } } }])
  })

  it('passes, when the host leaves, to whoever has been in the meeting longest', () => {
    // `c` came into the room first but joined the meeting after `b`.
    const g = given(
      connected('c'),
      started,
      ...joined('h'),
      host('h'),
      ...joined('b'),
      ev('UserUpdated', { userId: 'c', patch: { joined: true } }),
    )
    g.when({ type: 'Disconnect', data: { userId: 'h', reason: 'left' } }).then([
      { type: 'UserDisconnected', data: { userId: 'h', reason: 'left' } },
      { type: 'HostAssigned', data: { userId: 'b' } },
    ])
    g.when({ type: 'UpdateUser', data: { userId: 'h', patch: { joined: false } } }).then([
      { type: 'UserUpdated', data: { userId: 'h', patch: { joined: false } } },
      { type: 'HostAssigned', data: { userId: 'b' } },
    ])
    // Someone else leaving changes nothing about the host.
    g.when({ type: 'Disconnect', data: { userId: 'b', reason: 'timeout' } }).then([
      { type: 'UserDisconnected', data: { userId: 'b', reason: 'timeout' } },
    ])
  })

  it('hands the role over on request; nobody else can', () => {
    const g = given(...meeting())
    g.when({ type: 'TransferHost', data: { by: 'h', userId: 'b' } }).then([
      { type: 'HostAssigned', data: { userId: 'b', by: 'h' } },
    ])
    g.when({ type: 'TransferHost', data: { by: 'b', userId: 'b' } }).thenRefused('forbidden')
    g.when({ type: 'TransferHost', data: { by: 'h', userId: 'l' } }).thenRefused('not_joined')
    g.when({ type: 'TransferHost', data: { by: 'l', userId: 'l' } }).thenRefused('not_joined')
  })
})

describe('muting', () => {
  it('lets the host mute anyone, and anyone mute themself', () => {
    const g = given(...meeting(), audioOn('h'))
    g.when({ type: 'MuteUser', data: { by: 'h', userId: 'b' } }).then([
      { type: 'UserMuted', data: { by: 'h', userId: 'b' } },
    ])
    g.when({ type: 'MuteUser', data: { by: 'b', userId: 'b' } }).then([
      { type: 'UserMuted', data: { by: 'b', userId: 'b' } },
    ])
  })

  it('refuses everyone else, and the lobby most of all', () => {
    const g = given(...meeting(), audioOn('h'))
    g.when({ type: 'MuteUser', data: { by: 'b', userId: 'h' } }).thenRefused('forbidden')
    g.when({ type: 'MuteUser', data: { by: 'l', userId: 'b' } }).thenRefused('not_joined')
  })

  it('only asks to unmute: the request is recorded, the mic stays off', () => {
    const g = given(...meeting(), ev('UserMuted', { by: 'h', userId: 'b' }))
    const [asked] = g.when({ type: 'AskToUnmute', data: { by: 'h', userId: 'b' } }).run()
    expect(asked).toMatchObject({ type: 'UnmuteRequested', data: { by: 'h', userId: 'b' } })
    expect(evolve(g.state, { ...asked!, seq: 99 })).toEqual(g.state)
    g.when({ type: 'AskToUnmute', data: { by: 'l', userId: 'b' } }).thenRefused('not_joined')
    g.when({ type: 'AskToUnmute', data: { by: 'b', userId: 'b' } }).thenRefused('conflict')
    // Nothing to ask of someone already heard.
    given(...meeting())
      .when({ type: 'AskToUnmute', data: { by: 'h', userId: 'b' } })
      .then([])
  })
})

describe('removing someone', () => {
  it('removes every tab of theirs and bars their key until the meeting ends', () => {
    const g = given(...meeting(), connected('b-other'))
    g.when({ type: 'RemoveUser', data: { by: 'h', userId: 'b', key: 'b' } }).then([
      { type: 'UserRemoved', data: { userId: 'b', by: 'h', key: 'b' } },
      { type: 'UserRemoved', data: { userId: 'b-other', by: 'h', key: 'b' } },
    ])
    const removed = fold([...meeting(), ev('UserRemoved', { userId: 'b', by: 'h', key: 'b' })])
    expect(removed.users.map((u) => u.id)).toEqual(['h', 'l'])
    given(...meeting(), ev('UserRemoved', { userId: 'b', by: 'h', key: 'b' }))
      .when({ type: 'Connect', data: { userId: 'b-new-tab', name: 'B', key: 'b' } })
      .thenRefused('removed')
    // A new meeting forgets it.
    given(
      ...meeting(),
      ev('UserRemoved', { userId: 'b', by: 'h', key: 'b' }),
      ev('MeetingEnded', { meetingId: 'm1', peakUserCount: 2 }),
    )
      .when({ type: 'Connect', data: { userId: 'b-new-tab', name: 'B', key: 'b' } })
      .then([{ type: 'UserConnected', data: { userId: 'b-new-tab', name: 'B' } }])
  })

  it('is for the host only, and not of themself', () => {
    const g = given(...meeting())
    g.when({ type: 'RemoveUser', data: { by: 'b', userId: 'h', key: 'h' } }).thenRefused('forbidden')
    g.when({ type: 'RemoveUser', data: { by: 'l', userId: 'h', key: 'h' } }).thenRefused('not_joined')
    g.when({ type: 'RemoveUser', data: { by: 'h', userId: 'h', key: 'h' } }).thenRefused('conflict')
  })
})

describe('locking and ending', () => {
  it('a locked meeting takes nobody new; the lobby still sees who is there', () => {
    const g = given(...meeting(), ev('RoomLocked', { by: 'h' }))
    expect(g.state.locked).toBe(true)
    g.when({ type: 'UpdateUser', data: { userId: 'l', patch: { joined: true } } }).thenRefused('room_locked')
    g.when({ type: 'Connect', data: { userId: 'n', name: 'N', key: 'n' } }).then([
      { type: 'UserConnected', data: { userId: 'n', name: 'N' } },
    ])
    g.when({ type: 'SetLock', data: { by: 'h', locked: false } }).then([{ type: 'RoomUnlocked', data: { by: 'h' } }])
    g.when({ type: 'SetLock', data: { by: 'h', locked: true } }).then([])
    given(...meeting())
      .when({ type: 'SetLock', data: { by: 'b', locked: true } })
      .thenRefused('forbidden')
  })

  it('the host ends the meeting for everyone in it; the lobby stays', () => {
    const g = given(...meeting(), ev('RoomLocked', { by: 'h' }))
    const events = g.when({ type: 'EndMeeting', data: { by: 'h' } }).run()
    expect(events.map(({ type, data }) => ({ type, data }))).toEqual([
      { type: 'MeetingEndedForAll', data: { meetingId: 'm1', by: 'h' } },
      { type: 'MeetingEnded', data: { meetingId: 'm1', peakUserCount: 2 } },
    ])
    const after = events.reduce((s, e, i) => evolve(s, { ...e, seq: 100 + i }), g.state)
    expect(after.users.map((u) => u.id)).toEqual(['l'])
    expect([after.meetingId, after.host, after.locked]).toEqual([undefined, undefined, undefined])
    g.when({ type: 'EndMeeting', data: { by: 'b' } }).thenRefused('forbidden')
    // As when the last person leaves, the AI goes with the meeting.
    given(...meeting(), ev('AiInvited', { by: 'h' }))
      .when({ type: 'EndMeeting', data: { by: 'h' } })
      .then([
        { type: 'MeetingEndedForAll', data: { meetingId: 'm1', by: 'h' } },
        { type: 'AiDismissed', data: { by: 'system' } },
        { type: 'MeetingEnded', data: { meetingId: 'm1', peakUserCount: 2 } },
      ])
  })
})

describe('caps', () => {
  const limits = { participants: 2, lobby: 2, perIdentity: 2 }

  it('refuses a third tab of one person, a full meeting and a full lobby', () => {
    given(connected('k1'), connected('k2'))
      .when({ type: 'Connect', data: { userId: 'k3', name: 'K', key: 'k' } }, limits)
      .thenRefused('too_many_connections')
    const full = given(...meeting())
    full.when({ type: 'UpdateUser', data: { userId: 'l', patch: { joined: true } } }, limits).thenRefused('room_full')
    given(connected('x'), connected('y'))
      .when({ type: 'Connect', data: { userId: 'z', name: 'Z', key: 'z' } }, limits)
      .thenRefused('room_full')
    // Someone already here reconnecting is not a newcomer.
    given(connected('k1'), connected('k2'))
      .when({ type: 'Connect', data: { userId: 'k2', name: 'K', key: 'k' } }, limits)
      .then([])
  })
})
