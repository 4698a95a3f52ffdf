import type { ChatMessage } from '@tangerine/contracts'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CONFIRM_MS, ChatOutbox } from './chat-outbox.svelte.ts'

const logged = (id: string, userId: string, message: string): ChatMessage => ({
  id,
  seq: 1,
  userId,
  name: userId,
  message,
  at: new Date(0).toISOString(),
})

describe('ChatOutbox: no chat message of ours silently gone', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('marks a message not sent at once when the socket is down', () => {
    const outbox = new ChatOutbox()
    outbox.confirm([], 'me')
    outbox.send('hello', () => false)
    expect(outbox.pending.map((p) => [p.message, p.failed])).toEqual([['hello', true]])
  })

  it('forgets a message once the log has it, and marks one the log never gets', () => {
    const outbox = new ChatOutbox()
    const chat = [logged('old', 'me', 'hi')]
    outbox.confirm(chat, 'me')
    outbox.send('hi', () => true)
    outbox.send('lost', () => true)
    // An old message with the same text, and someone else's, confirm nothing.
    outbox.confirm([...chat, logged('b1', 'bob', 'lost')], 'me')
    expect(outbox.pending.map((p) => p.message)).toEqual(['hi', 'lost'])
    outbox.confirm([...chat, logged('b1', 'bob', 'lost'), logged('m1', 'me', 'hi')], 'me')
    expect(outbox.pending.map((p) => [p.message, p.failed])).toEqual([['lost', false]])
    vi.advanceTimersByTime(CONFIRM_MS)
    expect(outbox.pending.map((p) => [p.message, p.failed])).toEqual([['lost', true]])
    // Taken by the log after all: shown once, from the log.
    outbox.confirm([logged('m2', 'me', 'lost')], 'me')
    expect(outbox.pending).toEqual([])
  })
})
