import { createCallsClient } from '@tangerine/contracts/calls/client'
import { env } from 'cloudflare:workers'
import { inject } from 'vitest'
import { identityHeaders, keyOf, newUserId } from '../../../../scripts/test-support/people.ts'

/** The local SFU standing in for Calls, asked directly. */
export const sfu = () => {
  const { apiUrl, appId, appSecret } = inject('sfu')
  return createCallsClient({ baseUrl: apiUrl, appId, appSecret })
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 45_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** Someone in the meeting, through a real room socket, as the gateway would connect them. */
export async function joinMeeting(room: string, name: string) {
  const id = newUserId()
  const res = await env.ROOMS.fetch(
    new Request(`http://rooms.internal/rooms/${room}/ws?_pk=${id}`, {
      headers: { Upgrade: 'websocket', ...identityHeaders({ name, key: keyOf(id) }) },
    }),
  )
  const ws = res.webSocket!
  ws.accept()
  const events: Array<{ type: string; data?: Record<string, unknown> }> = []
  ws.addEventListener('message', (m) => {
    const msg = JSON.parse(String(m.data)) as { type: string; event?: { type: string; data: Record<string, unknown> } }
    if (msg.type === 'event' && msg.event) events.push(msg.event)
  })
  ws.send(JSON.stringify({ type: 'userUpdate', user: { joined: true } }))
  await waitFor('joined', async () => events.some((e) => e.type === 'UserUpdated'))
  return { id, key: keyOf(id), name, room, ws, events }
}
export type Person = Awaited<ReturnType<typeof joinMeeting>>
