import type { ChatMessage } from '@tangerine/contracts'
import { describe, expect, it } from 'vitest'
import { lastSeq, unreadCount } from './unread.ts'

const message = (seq: number, userId: string): ChatMessage => ({
  id: `m${seq}`,
  seq,
  userId,
  name: userId,
  message: 'hi',
  at: new Date(0).toISOString(),
})

describe('unread chat messages', () => {
  it('counts others’ messages after the last one seen, not one’s own', () => {
    const chat = [message(3, 'ada'), message(5, 'me'), message(8, 'bob'), message(9, 'ada')]
    expect(unreadCount(chat, 3, 'me')).toBe(2)
    expect(unreadCount(chat, lastSeq(chat), 'me')).toBe(0)
  })

  it('keeps counting once the room trims the history to its last 100', () => {
    const chat = Array.from({ length: 100 }, (_, i) => message(i + 51, 'ada'))
    expect(unreadCount(chat, 50, 'me')).toBe(100)
    expect(unreadCount(chat, 140, 'me')).toBe(10)
  })
})
