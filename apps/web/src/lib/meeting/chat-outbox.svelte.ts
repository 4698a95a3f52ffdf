import type { ChatMessage } from '@tangerine/contracts'

/** How long a sent message may take to come back in the room's log before it counts as not sent. */
export const CONFIRM_MS = 8000

export interface Outgoing {
  id: number
  message: string
  /** Not in the room's log: the socket was down, or the room never took it. */
  failed: boolean
}

let ids = 0

/**
 * Our chat messages until the room's log has them. The room socket drops what is sent while it
 * is down (a restarted runtime, a network drop), and a message on a socket that died under it
 * never arrives: either way the person sees it marked as not sent, never silently gone. A
 * message the log takes later (after the mark) leaves the outbox then, so it is shown once.
 */
export class ChatOutbox {
  pending = $state<Outgoing[]>([])
  /** The log's messages already looked at, so that only new ones confirm a pending one. */
  #seen: Set<string> | undefined

  /** `send` says whether the socket took it. */
  send(message: string, send: () => boolean) {
    const outgoing: Outgoing = { id: ++ids, message, failed: !send() }
    this.pending = [...this.pending, outgoing]
    if (!outgoing.failed) setTimeout(() => this.#expire(outgoing.id), CONFIRM_MS)
  }

  /** Called with the log's chat as it changes: each new message of ours confirms the oldest pending one like it. */
  confirm(chat: readonly ChatMessage[], me: string) {
    const first = this.#seen === undefined
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, nothing renders it
    const seen = (this.#seen ??= new Set())
    for (const m of chat) {
      if (seen.has(m.id)) continue
      seen.add(m.id)
      if (first || m.userId !== me) continue
      const at = this.pending.findIndex((p) => p.message === m.message)
      if (at >= 0) this.pending = this.pending.filter((_, i) => i !== at)
    }
  }

  /** Drops a failed message the person dealt with (sent again, or dismissed). */
  drop(id: number) {
    this.pending = this.pending.filter((p) => p.id !== id)
  }

  #expire(id: number) {
    this.pending = this.pending.map((p) => (p.id === id ? { ...p, failed: true } : p))
  }
}
