import type { LoggedEvent, RoomEvent, RoomState } from '@tangerine/contracts'
import { describe, expect, it } from 'vitest'
import { evolve, initialState } from '../src/index.ts'

const meta = { at: '2026-01-01T00:00:00.000Z', actor: 'user:test', schemaVersion: 1 as const }

const ev = <T extends RoomEvent['type']>(type: T, data: Extract<RoomEvent, { type: T }>['data']) =>
  ({ type, data, metadata: meta }) as RoomEvent
const fold = (events: RoomEvent[], from = initialState()) =>
  events.reduce<RoomState>((s, e, i) => evolve(s, { ...e, seq: i + 1 } as LoggedEvent), from)

const joined = (userId: string, name = userId): RoomEvent[] => [
  ev('UserConnected', { userId, name }),
  ev('UserUpdated', { userId, patch: { joined: true } }),
]
const started = ev('MeetingStarted', { meetingId: 'm1' })
const host = (userId: string) => ev('HostAssigned', { userId })

describe('evolve', () => {
  it('keeps the peak of joined users through a meeting and resets it after', () => {
    const state = fold([
      started,
      ...joined('a'),
      ...joined('b'),
      ev('UserDisconnected', { userId: 'b', reason: 'left' }),
    ])
    expect(state.peakUserCount).toBe(2)
    expect(state.users.map((u) => u.id)).toEqual(['a'])
    const ended = evolve(state, {
      type: 'MeetingEnded',
      data: { meetingId: 'm1', peakUserCount: 2 },
      metadata: meta,
      seq: 99,
    })
    expect(ended.meetingId).toBeUndefined()
    expect(ended.peakUserCount).toBe(0)
  })

  it('keeps only the latest chat messages in state', () => {
    const chats: RoomEvent[] = Array.from({ length: 120 }, (_, i) => ({
      type: 'ChatMessageSent',
      data: { messageId: `m${i}`, userId: 'a', name: 'A', message: `#${i}` },
      metadata: meta,
    }))
    const state = fold([...joined('a'), ...chats])
    expect(state.chat).toHaveLength(100)
    expect(state.chat.at(-1)?.message).toBe('#119')
    expect(state.chat[0]?.message).toBe('#20')
  })
})

describe('a track patch', () => {
  it('leaves the tracks it does not name as they were', () => {
    const state = fold([
      started,
      ...joined('a'),
      ev('UserUpdated', { userId: 'a', patch: { tracks: { audioEnabled: true, videoEnabled: true } } }),
      ev('UserUpdated', { userId: 'a', patch: { tracks: { video: 's/cam' } } }),
    ])
    expect(state.users[0]?.tracks).toMatchObject({ audioEnabled: true, videoEnabled: true, video: 's/cam' })
  })
})

describe('a state from before roles', () => {
  it('folds the new events onto it', () => {
    // As an old snapshot holds it: no host, lock or removed fields at all.
    const old = fold([started, ...joined('a')], initialState())
    expect(old).not.toHaveProperty('host')
    expect(fold([host('a'), ev('RoomLocked', { by: 'a' })], old)).toMatchObject({ host: 'a', locked: true })
  })
})

describe('the AI', () => {
  it('is in one status at a time, with only what that status has', () => {
    const states = [
      ev('AiInvited', { by: 'a' }),
      ev('AiJoined', { sessionId: 's1', trackName: 'voice' }),
      ev('AiControlTaken', { userId: 'a' }),
      ev('AiControlReleased', { userId: 'a' }),
      ev('AiFailed', { error: 'the call dropped' }),
      ev('AiInvited', { by: 'a' }),
      ev('AiDismissed', { by: 'a' }),
    ].reduce<RoomState[]>((all, e) => [...all, fold([e], all.at(-1))], [fold([...joined('a')])])
    expect(states.map((s) => s.ai)).toEqual([
      { status: 'absent' },
      { status: 'pending' },
      { status: 'joined', sessionId: 's1', trackName: 'voice' },
      { status: 'joined', sessionId: 's1', trackName: 'voice', controllingUser: 'a' },
      { status: 'joined', sessionId: 's1', trackName: 'voice' },
      { status: 'failed', error: 'the call dropped' },
      { status: 'pending' },
      { status: 'absent' },
    ])
  })

  it('lets go of whoever was talking to it when they go', () => {
    const talking = fold([
      ...joined('a'),
      ev('AiInvited', { by: 'a' }),
      ev('AiJoined', { sessionId: 's1', trackName: 'voice' }),
      ev('AiControlTaken', { userId: 'a' }),
    ])
    expect(fold([ev('UserDisconnected', { userId: 'a', reason: 'left' })], talking).ai).toEqual({
      status: 'joined',
      sessionId: 's1',
      trackName: 'voice',
    })
  })
})
