import type { LoggedEvent, RoomEvent, RoomState } from '@tangerine/contracts'
import { describe, expect, it } from 'vitest'
import { decide, type RoomCommand } from '../../src/room/decide.ts'
import { RoomError } from '../../src/room/decision.ts'
import { evolve, initialState } from '@tangerine/room-model'

const metadata = { now: '2026-01-01T00:00:00.000Z', actor: 'user:test', id: 'id-1' }
const meta = { at: metadata.now, actor: metadata.actor, schemaVersion: 1 as const }

/** Given these events happened, when this command arrives, then these events (or this error). */
function given(...events: RoomEvent[]) {
  const state = events.reduce<RoomState>((s, e, i) => evolve(s, { ...e, seq: i + 1 } as LoggedEvent), initialState())
  return {
    state,
    when: (command: Omit<RoomCommand, 'metadata'>) => {
      const run = () => decide(state, { ...command, metadata } as RoomCommand)
      return {
        then: (expected: Array<Pick<RoomEvent, 'type' | 'data'>>) =>
          expect(run().map(({ type, data }) => ({ type, data }))).toEqual(expected),
        thenRefused: (code: string) => {
          expect(run).toThrow(RoomError)
          try {
            run()
          } catch (err) {
            expect((err as RoomError).code).toBe(code)
          }
        },
      }
    },
  }
}

const joined = (userId: string, name = userId): RoomEvent[] => [
  { type: 'UserConnected', data: { userId, name }, metadata: meta },
  { type: 'UserUpdated', data: { userId, patch: { joined: true } }, metadata: meta },
]
const host = (userId: string): RoomEvent => ({ type: 'HostAssigned', data: { userId }, metadata: meta })
const started: RoomEvent = { type: 'MeetingStarted', data: { meetingId: 'm1' }, metadata: meta }

describe('decide', () => {
  it('starts the meeting when the first person joins', () => {
    given({ type: 'UserConnected', data: { userId: 'a', name: 'A' }, metadata: meta })
      .when({ type: 'UpdateUser', data: { userId: 'a', patch: { joined: true } } })
      .then([
        { type: 'MeetingStarted', data: { meetingId: 'id-1', e2ee: true } },
        { type: 'UserUpdated', data: { userId: 'a', patch: { joined: true } } },
        { type: 'HostAssigned', data: { userId: 'a' } },
      ])
  })

  it('records only what a patch changes, and nothing for a no-op', () => {
    const g = given(started, ...joined('a'))
    g.when({
      type: 'UpdateUser',
      data: {
        userId: 'a',
        patch: { joined: true, speaking: true, tracks: { videoEnabled: false, audioEnabled: true } },
      },
    }).then([{ type: 'UserUpdated', data: { userId: 'a', patch: { speaking: true, tracks: { audioEnabled: true } } } }])
    g.when({ type: 'UpdateUser', data: { userId: 'a', patch: { joined: true, speaking: false } } }).then([])
  })

  it('ends the meeting with its peak when the last joined person leaves', () => {
    given(started, ...joined('a'), ...joined('b'), {
      type: 'UserDisconnected',
      data: { userId: 'b', reason: 'left' },
      metadata: meta,
    })
      .when({ type: 'Disconnect', data: { userId: 'a', reason: 'timeout' } })
      .then([
        { type: 'UserDisconnected', data: { userId: 'a', reason: 'timeout' } },
        { type: 'MeetingEnded', data: { meetingId: 'm1', peakUserCount: 2 } },
      ])
  })

  it('releases the AI when its controller leaves', () => {
    given(
      started,
      ...joined('a'),
      ...joined('b'),
      { type: 'AiInvited', data: { by: 'a' }, metadata: meta },
      { type: 'AiJoined', data: { sessionId: 's', trackName: 'ai' }, metadata: meta },
      { type: 'AiControlTaken', data: { userId: 'a' }, metadata: meta },
    )
      .when({ type: 'Disconnect', data: { userId: 'a', reason: 'left' } })
      .then([
        { type: 'AiControlReleased', data: { userId: 'a' } },
        { type: 'UserDisconnected', data: { userId: 'a', reason: 'left' } },
      ])
  })

  it('lets one person at a time talk to the AI', () => {
    const g = given(
      started,
      ...joined('a'),
      ...joined('b'),
      { type: 'AiInvited', data: { by: 'a' }, metadata: meta },
      { type: 'AiJoined', data: { sessionId: 's', trackName: 'ai' }, metadata: meta },
      { type: 'AiControlTaken', data: { userId: 'a' }, metadata: meta },
    )
    g.when({ type: 'TakeAiControl', data: { userId: 'b' } }).thenRefused('conflict')
    g.when({ type: 'TakeAiControl', data: { userId: 'a' } }).then([])
    g.when({ type: 'ReleaseAiControl', data: { userId: 'b' } }).then([])
    g.when({ type: 'ReleaseAiControl', data: { userId: 'a' } }).then([
      { type: 'AiControlReleased', data: { userId: 'a' } },
    ])
  })

  it('refuses a second AI invitation and chat from the lobby', () => {
    given(started, ...joined('a'), { type: 'AiInvited', data: { by: 'a' }, metadata: meta })
      .when({ type: 'InviteAi', data: { by: 'a' } })
      .thenRefused('conflict')
    given({ type: 'UserConnected', data: { userId: 'a', name: 'A' }, metadata: meta })
      .when({ type: 'SendChat', data: { userId: 'a', message: 'hi' } })
      .thenRefused('not_joined')
  })

  it('refuses the AI in an end-to-end encrypted meeting, and takes it in an unencrypted one', () => {
    const encrypted: RoomEvent = { type: 'MeetingStarted', data: { meetingId: 'm1', e2ee: true }, metadata: meta }
    given(encrypted, ...joined('a'))
      .when({ type: 'InviteAi', data: { by: 'a' } })
      .thenRefused('e2ee_on')
    given(started, ...joined('a'))
      .when({ type: 'InviteAi', data: { by: 'a' } })
      .then([{ type: 'AiInvited', data: { by: 'a' } }])
  })

  it('does not raise a raised hand twice, nor mute a muted mic', () => {
    const g = given(started, ...joined('a'), host('a'), ...joined('b'), {
      type: 'HandRaised',
      data: { userId: 'a' },
      metadata: meta,
    })
    g.when({ type: 'RaiseHand', data: { userId: 'a' } }).then([])
    g.when({ type: 'MuteUser', data: { by: 'a', userId: 'b' } }).then([])
    g.when({ type: 'MuteUser', data: { by: 'a', userId: 'ghost' } }).thenRefused('unknown_user')
  })
})
