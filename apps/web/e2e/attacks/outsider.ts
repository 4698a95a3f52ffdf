import { request } from 'node:http'
import { IceServersResponse } from '@tangerine/contracts/calls/api'
import { expect, inject } from 'vitest'
import WebSocket from 'ws'
import { roomSocketOver, type RoomSocket } from '../../../../scripts/test-support/room-socket.ts'

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

export type RawSocket = RoomSocket<WebSocket>

/**
 * An open room socket through the gateway with `who`'s cookie, as any program can open one (the
 * `ws` client: it sends our headers, and takes frames far over the room's limits).
 */
export async function roomSocket(room: string, who: Outsider, id = `${who.key}${tab()}`): Promise<RawSocket> {
  const ws = new WebSocket(`${stackUrl.replace(/^http/, 'ws')}/api/rooms/${room}/ws?_pk=${id}`, {
    headers: { cookie: who.cookie, origin },
    maxPayload: 64 * 1024 * 1024,
  })
  const socket = roomSocketOver({
    id,
    ws,
    label: `${id} in room ${room}`,
    // How long a wait for a message may take before it fails: generous, as a cold room on a
    // loaded machine can take seconds to answer; waits end as soon as the message is there.
    timeoutMs: 20_000,
    onFrame: (receive) => ws.on('message', (data) => receive(String(data))),
    onClose: (end) => ws.on('close', (code, reason) => end({ code, reason: reason.toString() })),
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`Room socket to ${room} refused: HTTP ${res.statusCode}`)),
    )
    ws.once('error', reject)
  })
  // A socket error after opening ends in a close, which `closed` reports.
  ws.on('error', () => {})
  return socket
}

export { isErrorCode, isEvent, isState } from '../../../../scripts/test-support/room-socket.ts'

/** A TURN credential as a browser in a meeting gets it from `/api/ice-servers`, for `name`. */
export async function turnCredential(name: string) {
  const { cookie } = await outsider(name)
  const res = await fetch(`${stackUrl}/api/ice-servers`, { headers: { cookie } })
  expect(res.status).toBe(200)
  const turn = IceServersResponse.parse(await res.json()).iceServers.find((s) => s.username)!
  const url = [turn.urls].flat().find((u) => u.startsWith('turn:'))!
  const [host, port] = url.slice('turn:'.length).split('?')[0]!.split(':')
  return { host: host!, port: Number(port), username: turn.username!, password: turn.credential! }
}
