import { describe, expect, it } from 'vitest'
import { LoggedEvent } from '../src/rooms/events.ts'

const metadata = { at: '2026-01-01T00:00:00.000Z', actor: 'user:u1', schemaVersion: 1 }

describe('an old log', () => {
  it.each([
    ['UserJoined', 'UserConnected', { userId: 'u1', name: 'Ada' }],
    ['UserLeft', 'UserDisconnected', { userId: 'u1', reason: 'timeout' }],
  ])('reads %s as %s', (old, now, data) => {
    expect(LoggedEvent.parse({ seq: 1, type: old, data, metadata })).toEqual({ seq: 1, type: now, data, metadata })
  })

  it('knows no other old names', () => {
    expect(LoggedEvent.safeParse({ seq: 1, type: 'toString', data: {}, metadata }).success).toBe(false)
  })
})
