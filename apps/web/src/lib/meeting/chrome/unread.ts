import type { ChatMessage } from '@tangerine/contracts'

/**
 * Messages from others since the last one seen, counted by sequence number: the room keeps only
 * the last 100 in its state, so counting by length would stop at 100 and miss everything after.
 */
export function unreadCount(chat: readonly ChatMessage[], seenSeq: number, me: string): number {
  return chat.filter((m) => m.seq > seenSeq && m.userId !== me).length
}

/** The sequence number of the newest message, or 0 for an empty chat. */
export const lastSeq = (chat: readonly ChatMessage[]) => chat.at(-1)?.seq ?? 0
