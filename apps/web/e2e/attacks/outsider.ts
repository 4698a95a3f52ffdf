import { request } from 'node:http'
import { ServerMessage, type ClientMessage } from '@tangerine/contracts'
import { inject } from 'vitest'
import WebSocket from 'ws'

/*
 * What an outsider has: raw HTTP and raw WebSockets through the gateway, and identities minted
 * the way anyone mints one (a lobby name posted to /api/session, kept in a cookie jar of its own).
 */

/** The whole system, as `npm run dev` runs it: outsiders reach it only through the gateway. */
export const stackUrl = inject('stackUrl')
const origin = new URL(stackUrl).origin

export const randomRoom = () => `attack-${crypto.randomUUID().slice(0, 8)}`

/** A tab's part of a user id: the page adds one to the identity's key for each tab. */
export const tab = () => crypto.randomUUID().replaceAll('-', '').slice(0, 16)

export interface Answer {
  status: number
  /** The cookies the answer sets, as a `cookie` header sends them back. */
  cookie?: string
  /** Parsed JSON, or the text when it is not JSON. */
  body: unknown
}

/**
 * One HTTP call through the gateway with the page's origin. node:http rather than fetch so that
 * `from` can pick the loopback address it comes from (`wrangler dev`, like Cloudflare's edge,
 * hands it on as `cf-connecting-ip`): per-address limits then touch no other test.
 */
export function call(
  method: string,
  path: string,
  init: { from?: string; cookie?: string; json?: unknown } = {},
): Promise<Answer> {
  const body = init.json === undefined ? undefined : JSON.stringify(init.json)
  return new Promise((resolve, reject) => {
    const req = request(
      `${stackUrl}${path}`,
      {
        method,
        ...(init.from ? { localAddress: init.from } : {}),
        headers: {
          origin,
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(init.cookie ? { cookie: init.cookie } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let parsed: unknown = text
          try {
            parsed = text ? JSON.parse(text) : undefined
          } catch {
            // Not JSON: kept as text.
          }
          const cookie = res.headers['set-cookie']?.map((c) => c.split(';')[0]).join('; ')
          resolve({ status: res.statusCode ?? 0, cookie, body: parsed })
        })
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

export interface Outsider {
  name: string
  key: string
  cookie: string
}

/** A fresh identity (a new cookie jar), from the loopback address `from` if given. */
export async function outsider(name: string, from?: string): Promise<Outsider> {
  const res = await call('POST', '/api/session', { from, json: { name } })
  if (res.status !== 200 || !res.cookie) throw new Error(`POST /api/session: ${res.status} ${JSON.stringify(res.body)}`)
  return { name, key: (res.body as { identity: { key: string } }).identity.key, cookie: res.cookie }
}

export interface RawSocket {
  /** The user id the socket connected as (`_pk`). */
  id: string
  ws: WebSocket
  /** Every frame as received, unparsed: what could leak is in here. */
  frames: string[]
  messages: ServerMessage[]
  closed: Promise<{ code: number; reason: string }>
  /** A protocol message, or a string sent as the frame it is (malformed or oversized on purpose). */
  send(message: ClientMessage | string): void
  /** The first message from index `from` on that `match` accepts, waiting for it if need be. */
  next(match: (m: ServerMessage) => boolean, from?: number, timeoutMs?: number): Promise<ServerMessage>
  close(): void
}

/**
 * An open room socket through the gateway with `who`'s cookie, as any program can open one (the
 * `ws` client: it sends our headers, and takes frames far over the room's limits).
 */
export async function roomSocket(room: string, who: Outsider, id = `${who.key}${tab()}`): Promise<RawSocket> {
  const ws = new WebSocket(`${stackUrl.replace(/^http/, 'ws')}/api/rooms/${room}/ws?_pk=${id}`, {
    headers: { cookie: who.cookie, origin },
    maxPayload: 64 * 1024 * 1024,
  })
  const frames: string[] = []
  const messages: ServerMessage[] = []
  const waiters = new Set<() => void>()
  ws.on('message', (data) => {
    frames.push(String(data))
    messages.push(ServerMessage.parse(JSON.parse(String(data))))
    for (const wake of waiters) wake()
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`Room socket to ${room} refused: HTTP ${res.statusCode}`)),
    )
    ws.once('error', reject)
  })
  // A socket error after opening ends in a close, which `closed` reports.
  ws.on('error', () => {})

  const next = (match: (m: ServerMessage) => boolean, from = 0, timeoutMs = 5000) =>
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
        reject(new Error(`No matching message on ${id} in room ${room} within ${timeoutMs} ms; got ${got}`))
      }, timeoutMs)
      if (!look()) waiters.add(look)
    })

  return {
    id,
    ws,
    frames,
    messages,
    closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next,
    close: () => ws.close(1000, 'done'),
  }
}

export const isState = (m: ServerMessage) => m.type === 'roomState'
export const isError = (code: string) => (m: ServerMessage) => m.type === 'error' && m.code === code
export const isEvent =
  (type: string, where: (data: Record<string, unknown>) => boolean = () => true) =>
  (m: ServerMessage) =>
    m.type === 'event' && m.event.type === type && where(m.event.data as Record<string, unknown>)
