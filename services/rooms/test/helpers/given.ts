import type { LoggedEvent, RoomEvent, RoomState } from '@tangerine/contracts'
import { expect } from 'vitest'
import { decide, DEFAULT_LIMITS, type RoomCommand, type RoomLimits } from '../../src/room/decide.ts'
import { RoomError } from '../../src/room/decision.ts'
import { evolve, initialState } from '@tangerine/room-model'

export const metadata = { now: '2026-01-01T00:00:00.000Z', actor: 'user:test', id: 'id-1' }
export const meta = { at: metadata.now, actor: metadata.actor, schemaVersion: 1 as const }

export const fold = (events: RoomEvent[], from = initialState()) =>
  events.reduce<RoomState>((s, e, i) => evolve(s, { ...e, seq: i + 1 } as LoggedEvent), from)

/** Given these events happened, when this command arrives, then these events (or this error). */
export function given(...events: RoomEvent[]) {
  const state = fold(events)
  return {
    state,
    when: (command: Omit<RoomCommand, 'metadata'>, limits: RoomLimits = DEFAULT_LIMITS) => {
      const run = () => decide(state, { ...command, metadata } as RoomCommand, limits)
      return {
        run,
        then: (expected: Array<Pick<RoomEvent, 'type' | 'data'>>) =>
          expect(run().map(({ type, data }) => ({ type, data }))).toEqual(expected),
        thenRefused: (code: string) => {
          let error: unknown
          try {
            run()
          } catch (err) {
            error = err
          }
          expect(error).toBeInstanceOf(RoomError)
          expect((error as RoomError).code).toBe(code)
        },
      }
    },
  }
}

export const ev = <T extends RoomEvent['type']>(type: T, data: Extract<RoomEvent, { type: T }>['data']) =>
  ({ type, data, metadata: meta }) as RoomEvent
export const connected = (userId: string, name = userId) => ev('UserConnected', { userId, name })
export const joined = (userId: string, name = userId): RoomEvent[] => [
  connected(userId, name),
  ev('UserUpdated', { userId, patch: { joined: true } }),
]
