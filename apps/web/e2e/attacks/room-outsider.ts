import { ServerMessage, type ClientMessage } from '@tangerine/contracts'
import { inject } from 'vitest'

/** The whole system, as `npm run dev` runs it: outsiders reach it only through the gateway. */
export const stackUrl = inject('stackUrl')

export interface Outsider {
  name: string
  key: string
  cookie: string
}

/** A fresh identity, as anyone gets one: a lobby name posted to /api/session, kept in a cookie. */
export async function outsider(name: string): Promise<Outsider> {
  const res = await fetch(`${stackUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: stackUrl },
    body: JSON.stringify({ name }),
  })
  if (!res.ok) throw new Error(`POST /api/session: ${res.status} ${await res.text()}`)
  const { identity } = (await res.json()) as { identity: { key: string } }
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  return { name, key: identity.key, cookie }
}

export interface RawSocket {
  id: string
  /** Every frame as received, unparsed: what could leak is in here. */
  frames: string[]
  messages: ServerMessage[]
  closed: Promise<{ code: number; reason: string }>
  send(message: ClientMessage): void
  next(match: (m: ServerMessage) => boolean, from?: number): Promise<ServerMessage>
  close(): void
}

const tab = () => crypto.randomUUID().replaceAll('-', '').slice(0, 16)

/** A raw WebSocket to a room through the gateway, with this identity's cookie, as any program can open. */
export function roomSocket(room: string, who: Outsider, id = `${who.key}${tab()}`): RawSocket {
  const ws = new WebSocket(`${stackUrl.replace(/^http/, 'ws')}/api/rooms/${room}/ws?_pk=${id}`, {
    headers: { cookie: who.cookie },
  } as unknown as string[])
  const frames: string[] = []
  const messages: ServerMessage[] = []
  const waiters = new Set<() => void>()
  ws.addEventListener('message', (e) => {
    frames.push(String(e.data))
    messages.push(ServerMessage.parse(JSON.parse(String(e.data))))
    for (const wake of waiters) wake()
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })),
  )
  const opened = new Promise<void>((resolve) => ws.addEventListener('open', () => resolve()))
  return {
    id,
    frames,
    messages,
    closed,
    send: (message) => void opened.then(() => ws.send(JSON.stringify(message))),
    next: (match, from = 0) =>
      new Promise((resolve, reject) => {
        const look = () => {
          const found = messages.slice(from).find(match)
          if (found) {
            waiters.delete(look)
            clearTimeout(timer)
            resolve(found)
          }
          return !!found
        }
        const timer = setTimeout(() => {
          waiters.delete(look)
          reject(new Error(`No matching message in 5 s; got ${JSON.stringify(messages.slice(from)).slice(0, 2000)}`))
        }, 5000)
        if (!look()) waiters.add(look)
      }),
    close: () => ws.close(1000, 'done'),
  }
}

export const isState = (m: ServerMessage) => m.type === 'roomState'
export const isError = (code: string) => (m: ServerMessage) => m.type === 'error' && m.code === code
export const isEvent = (type: string, where: (data: Record<string, unknown>) => boolean = () => true) => (m: ServerMessage) =>
  m.type === 'event' && m.event.type === type && where(m.event.data as Record<string, unknown>)
