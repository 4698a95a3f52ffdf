import type { LoggedEvent, RoomEvent, RoomState } from '@tangerine/contracts'
import { describe, expect, it } from 'vitest'
import { decide, type RoomCommand } from '../../src/room/decide.ts'
import { evolve, initialState } from '@tangerine/room-model'

const metadata = { now: '2026-01-01T00:00:00.000Z', actor: 'system', id: 'id-1' }
const meta = { at: metadata.now, actor: metadata.actor, schemaVersion: 1 as const }

const fold = (events: RoomEvent[]) =>
  events.reduce<RoomState>((s, e, i) => evolve(s, { ...e, seq: i + 1 } as LoggedEvent), initialState())
const when = (state: RoomState, command: Omit<RoomCommand, 'metadata'>) =>
  decide(state, { ...command, metadata } as RoomCommand).map(({ type, data }) => ({ type, data }))

const joined = (userId: string): RoomEvent[] => [
  { type: 'UserConnected', data: { userId, name: userId }, metadata: meta },
  { type: 'UserUpdated', data: { userId, patch: { joined: true } }, metadata: meta },
]
const meeting: RoomEvent[] = [
  { type: 'MeetingStarted', data: { meetingId: 'm1' }, metadata: meta },
  ...joined('a'),
  ...joined('b'),
]
const aiInvited: RoomEvent = { type: 'AiInvited', data: { by: 'a' }, metadata: meta }
const aiJoined: RoomEvent = { type: 'AiJoined', data: { sessionId: 's', trackName: 'ai' }, metadata: meta }
const bLeft: RoomEvent = { type: 'UserDisconnected', data: { userId: 'b', reason: 'left' }, metadata: meta }

describe('the AI ends with the meeting', () => {
  it('is dismissed by the system when the last joined person leaves or times out', () => {
    const state = fold([...meeting, aiInvited, aiJoined, bLeft])
    expect(when(state, { type: 'Disconnect', data: { userId: 'a', reason: 'timeout' } })).toEqual([
      { type: 'UserDisconnected', data: { userId: 'a', reason: 'timeout' } },
      { type: 'AiDismissed', data: { by: 'system' } },
      { type: 'MeetingEnded', data: { meetingId: 'm1', peakUserCount: 2 } },
    ])
  })

  it('also while it is still on its way, and when the last person goes back to the lobby', () => {
    const state = fold([...meeting, aiInvited, bLeft])
    expect(when(state, { type: 'UpdateUser', data: { userId: 'a', patch: { joined: false } } })).toEqual([
      { type: 'UserUpdated', data: { userId: 'a', patch: { joined: false } } },
      { type: 'AiDismissed', data: { by: 'system' } },
      { type: 'MeetingEnded', data: { meetingId: 'm1', peakUserCount: 2 } },
    ])
  })

  it('stays while someone is still in the meeting, and is not dismissed twice', () => {
    expect(
      when(fold([...meeting, aiInvited, aiJoined]), { type: 'Disconnect', data: { userId: 'a', reason: 'left' } }),
    ).toEqual([{ type: 'UserDisconnected', data: { userId: 'a', reason: 'left' } }])
    expect(when(fold([...meeting, bLeft]), { type: 'Disconnect', data: { userId: 'a', reason: 'left' } })).toEqual([
      { type: 'UserDisconnected', data: { userId: 'a', reason: 'left' } },
      { type: 'MeetingEnded', data: { meetingId: 'm1', peakUserCount: 2 } },
    ])
  })
})
