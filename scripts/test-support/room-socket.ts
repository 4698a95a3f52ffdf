import { ServerMessage, type ClientMessage } from '@tangerine/contracts'

/*
 * A test's room socket, whichever runtime opened it. Opening differs for a real reason (workerd
 * fetches an upgrade and accepts it; Node's `ws` client sends cookie and origin headers), so each
 * runtime keeps only its own open function and hands the socket here: what it receives, and the
 * waiting on it, is written once. Nothing here is runtime-specific, so workerd tests and the Node
 * e2e tests both import it.
 */

export interface Closed {
  code: number
  reason: string
}

/** What both runtimes' sockets can do, as far as a test needs. */
interface Wire {
  send(frame: string | ArrayBuffer): void
  close(code: number, reason: string): void
}

export interface RoomSocket<W extends Wire = Wire> {
  /** The user id the socket connected as (`_pk`). */
  id: string
  ws: W
  /** Every frame as received, unparsed: what could leak is in here. */
  frames: string[]
  messages: ServerMessage[]
  closed: Promise<Closed>
  /** A protocol message, or a frame sent as it is (malformed or oversized on purpose). */
  send(message: ClientMessage | string | ArrayBuffer): void
  /** Resolves with the first message (from `from` on) that matches; fails after `timeoutMs`. */
  next<M extends ServerMessage>(match: (m: ServerMessage) => m is M, from?: number, timeoutMs?: number): Promise<M>
  next(match: (m: ServerMessage) => boolean, from?: number, timeoutMs?: number): Promise<ServerMessage>
  /** Calls `listener` with every message from now on, as a page's socket handler would; returns its removal. */
  onMessage(listener: (m: ServerMessage) => void): () => void
  close(): void
}

export interface Opened<W extends Wire> {
  id: string
  ws: W
  /** Names the socket in a timeout's message. */
  label: string
  timeoutMs: number
  /** Subscribes to the socket's text frames, the runtime's way. */
  onFrame(receive: (frame: string) => void): void
  /** Subscribes to the socket's close, the runtime's way. */
  onClose(end: (closed: Closed) => void): void
}

/** Parses every frame the opened socket receives against the contracts, and waits on them. */
export function roomSocketOver<W extends Wire>(opened: Opened<W>): RoomSocket<W> {
  const { id, ws, label } = opened
  const frames: string[] = []
  const messages: ServerMessage[] = []
  const waiters = new Set<() => void>()
  const listeners = new Set<(m: ServerMessage) => void>()
  opened.onFrame((frame) => {
    frames.push(frame)
    const message = ServerMessage.parse(JSON.parse(frame))
    messages.push(message)
    for (const listener of listeners) listener(message)
    for (const wake of waiters) wake()
  })
  const closed = new Promise<Closed>((resolve) => opened.onClose(resolve))
  const next = (match: (m: ServerMessage) => boolean, from = 0, timeoutMs = opened.timeoutMs) =>
    new Promise<ServerMessage>((resolve, reject) => {
      const look = () => {
        const found = messages.slice(from).find(match)
        if (!found) return false
        waiters.delete(look)
        clearTimeout(timer)
        resolve(found)
        return true
      }
      const timer = setTimeout(() => {
        waiters.delete(look)
        const got = JSON.stringify(messages.slice(from)).slice(0, 2000)
        reject(new Error(`No matching message on ${label} within ${timeoutMs} ms; got ${got}`))
      }, timeoutMs)
      if (!look()) waiters.add(look)
    })
  return {
    id,
    ws,
    frames,
    messages,
    closed,
    send: (message) =>
      ws.send(typeof message === 'string' || message instanceof ArrayBuffer ? message : JSON.stringify(message)),
    next: next as RoomSocket<W>['next'],
    onMessage: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close: () => ws.close(1000, 'test done'),
  }
}

export const isState = (m: ServerMessage): m is Extract<ServerMessage, { type: 'roomState' }> => m.type === 'roomState'
/** Any refusal. */
export const isError = (m: ServerMessage): m is Extract<ServerMessage, { type: 'error' }> => m.type === 'error'
/** A refusal with this code. */
export const isErrorCode =
  (code: string) =>
  (m: ServerMessage): m is Extract<ServerMessage, { type: 'error' }> =>
    isError(m) && m.code === code
export const isEvent =
  (type: string, where: (data: Record<string, unknown>) => boolean = () => true) =>
  (m: ServerMessage): m is Extract<ServerMessage, { type: 'event' }> =>
    m.type === 'event' && m.event.type === type && where(m.event.data as Record<string, unknown>)
