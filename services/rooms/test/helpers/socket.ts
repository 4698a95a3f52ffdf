import { encodeIdentity, IDENTITY_HEADER, ServerMessage, type ClientMessage, type Identity } from '@tangerine/contracts'
import { exports } from 'cloudflare:workers'
import { identityHeaders, keyOf, newUserId } from '../../../../scripts/test-support/people.ts'

export interface TestSocket {
  id: string
  ws: WebSocket
  messages: ServerMessage[]
  closed: Promise<CloseEvent>
  send(message: ClientMessage | string | ArrayBuffer): void
  /** Resolves with the first message (from `from` on) that matches; fails after `timeoutMs`. */
  next<M extends ServerMessage>(match: (m: ServerMessage) => m is M, from?: number, timeoutMs?: number): Promise<M>
  next(match: (m: ServerMessage) => boolean, from?: number, timeoutMs?: number): Promise<ServerMessage>
  close(): void
}

export const randomRoom = () => `room-${crypto.randomUUID().slice(0, 8)}`
export const userId = newUserId

/** Opens a room socket through the rooms Worker's own route, as the gateway does. */
export async function connect(
  room: string,
  name: string,
  options: { id?: string; since?: number; source?: Identity['source'] } = {},
): Promise<TestSocket> {
  const id = options.id ?? userId()
  const query = new URLSearchParams({ _pk: id })
  if (options.since !== undefined) query.set('since', String(options.since))
  const res = await exports.default.fetch(
    new Request(`http://rooms.internal/rooms/${room}/ws?${query}`, {
      headers: {
        Upgrade: 'websocket',
        ...(options.source
          ? { [IDENTITY_HEADER]: encodeIdentity({ name, source: options.source, key: keyOf(id) }) }
          : identityHeaders({ name, key: keyOf(id) })),
      },
    }),
  )
  const ws = res.webSocket
  if (!ws) throw new Error(`No socket: ${res.status} ${await res.text()}`)
  ws.accept()
  const messages: ServerMessage[] = []
  const waiters = new Set<() => void>()
  ws.addEventListener('message', (event) => {
    messages.push(ServerMessage.parse(JSON.parse(event.data as string)))
    for (const wake of waiters) wake()
  })
  const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener('close', resolve))
  const next = (match: (m: ServerMessage) => boolean, from = 0, timeoutMs = 3000) =>
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
        reject(new Error(`No matching message within ${timeoutMs} ms; got ${JSON.stringify(messages.slice(from))}`))
      }, timeoutMs)
      if (!look()) waiters.add(look)
    })
  return {
    id,
    ws,
    messages,
    closed,
    send: (message) => ws.send(typeof message === 'string' || message instanceof ArrayBuffer ? message : JSON.stringify(message)),
    next: next as TestSocket['next'],
    close: () => ws.close(1000, 'test done'),
  }
}

export const isState = (m: ServerMessage): m is Extract<ServerMessage, { type: 'roomState' }> => m.type === 'roomState'
export const isError = (m: ServerMessage): m is Extract<ServerMessage, { type: 'error' }> => m.type === 'error'
export const isEvent =
  (type: string, where: (data: Record<string, unknown>) => boolean = () => true) =>
  (m: ServerMessage): m is Extract<ServerMessage, { type: 'event' }> =>
    m.type === 'event' && m.event.type === type && where(m.event.data as Record<string, unknown>)
