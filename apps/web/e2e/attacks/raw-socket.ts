import { ServerMessage } from '@tangerine/contracts'
import { inject } from 'vitest'
import WebSocket from 'ws'

/** The whole system, as `npm run dev` runs it (scripts/test-support/stack-setup.ts). */
export const stackUrl = inject('stackUrl')

/** A fresh identity through the lobby's form, as any outsider can get one: its cookie and user key. */
export async function lobbyIdentity(name: string): Promise<{ cookie: string; key: string }> {
  const res = await fetch(`${stackUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: stackUrl },
    body: JSON.stringify({ name }),
  })
  if (res.status !== 200) throw new Error(`POST /api/session: ${res.status} ${await res.text()}`)
  const { identity } = (await res.json()) as { identity: { key: string } }
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, key: identity.key }
}

export interface RawSocket {
  ws: WebSocket
  messages: ServerMessage[]
  closed: Promise<{ code: number; reason: string }>
  next(match: (m: ServerMessage) => boolean, from?: number, timeoutMs?: number): Promise<ServerMessage>
}

/** A room socket through the gateway with a plain WebSocket client: no partysocket, no page. */
export async function rawRoomSocket(room: string, who: { cookie: string; key: string }): Promise<RawSocket> {
  const url = `${stackUrl.replace(/^http/, 'ws')}/api/rooms/${room}/ws?_pk=${who.key}${crypto.randomUUID().slice(0, 8)}`
  const ws = new WebSocket(url, { headers: { cookie: who.cookie, origin: stackUrl }, maxPayload: 64 * 1024 * 1024 })
  const messages: ServerMessage[] = []
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
  ws.on('message', (data) => messages.push(ServerMessage.parse(JSON.parse(String(data)))))
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const next = async (match: (m: ServerMessage) => boolean, from = 0, timeoutMs = 5000) => {
    const until = Date.now() + timeoutMs
    for (;;) {
      const found = messages.slice(from).find(match)
      if (found) return found
      if (Date.now() > until)
        throw new Error(`No matching message within ${timeoutMs} ms; got ${JSON.stringify(messages.slice(from))}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  return { ws, messages, closed, next }
}

export const randomRoom = () => `attack-${crypto.randomUUID().slice(0, 8)}`
