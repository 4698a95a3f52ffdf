import { LoggedEvent } from '@tangerine/contracts/rooms/events'
import { describe, expect, it } from 'vitest'
import { actorOf, describeEvent, namesIn } from './describe-event.ts'

const at = '2026-12-02T10:00:00.000Z'
const logged = (seq: number, type: string, data: unknown, actor = 'system') =>
  LoggedEvent.parse({ seq, type, data, metadata: { at, actor, schemaVersion: 1 } })

const log = [
  logged(1, 'UserConnected', { userId: 'alice-tab-1', name: 'Alice' }, 'user:alice-tab-1'),
  logged(2, 'MeetingStarted', { meetingId: 'm1', e2ee: true }, 'user:alice-tab-1'),
  logged(3, 'UserUpdated', { userId: 'alice-tab-1', patch: { joined: true } }, 'user:alice-tab-1'),
  logged(4, 'UserConnected', { userId: 'bob-tab-1', name: 'Bob' }, 'user:bob-tab-1'),
  logged(5, 'UserUpdated', { userId: 'bob-tab-1', patch: { name: 'Robert' } }, 'user:bob-tab-1'),
  logged(6, 'ChatMessageSent', { messageId: 'c1', userId: 'bob-tab-1', name: 'Robert', message: 'secret plans' }),
  logged(7, 'UserMuted', { userId: 'bob-tab-1', by: 'alice-tab-1' }, 'user:alice-tab-1'),
]

describe('the ops log’s lines', () => {
  const names = namesIn(log)
  const nameOf = (id: string) => names.get(id) ?? id.slice(0, 8)

  it('names people by the latest name the log gave them, whatever order the page came in', () => {
    expect(namesIn([...log].reverse())).toEqual(
      new Map([
        ['alice-tab-1', 'Alice'],
        ['bob-tab-1', 'Robert'],
      ]),
    )
  })

  it('says who joined the meeting, who did what to whom, and who acted', () => {
    expect(describeEvent(log[2]!, nameOf)).toBe('Alice joined the meeting')
    expect(describeEvent(log[1]!, nameOf)).toBe('Meeting m1 started, end-to-end encrypted')
    expect(describeEvent(log[6]!, nameOf)).toBe('Robert muted by Alice')
    expect(actorOf(log[6]!, nameOf)).toBe('Alice')
    expect(actorOf(log[5]!, nameOf)).toBe('system')
  })

  it('shows that people talked, never what they said', () => {
    const line = describeEvent(log[5]!, nameOf)
    expect(line).toBe('Robert wrote in the chat (12 characters)')
    expect(line).not.toContain('secret')
  })

  it('falls back to the start of an id it has no name for', () => {
    const event = logged(8, 'HandRaised', { userId: 'carol-tab-9' })
    expect(describeEvent(event, nameOf)).toBe('carol-ta raised a hand')
  })
})
