import { createCallsClient } from '@tangerine/contracts/calls/client'
import { env } from 'cloudflare:workers'
import { inject } from 'vitest'
import { identityHeaders, keyOf, newUserId } from '../../../../scripts/test-support/people.ts'
import { openRoomSocket } from '../../../../scripts/test-support/workerd-room-socket.ts'

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

/**
 * Someone in the meeting, through a real room socket, as the gateway would connect them. The
 * first to join opens the meeting unencrypted unless told otherwise: the AI takes part only there.
 */
export async function joinMeeting(room: string, name: string, { e2ee = false } = {}) {
  const id = newUserId()
  const socket = await openRoomSocket(
    env.ROOMS,
    new Request(`http://rooms.internal/rooms/${room}/ws?_pk=${id}`, {
      headers: { Upgrade: 'websocket', ...identityHeaders({ name, key: keyOf(id) }) },
    }),
  )
  const person = {
    id,
    key: keyOf(id),
    name,
    room,
    ws: socket.ws,
    /** The room's events so far, as this person received them. */
    get events(): Array<{ type: string; data?: Record<string, unknown> }> {
      return socket.messages.flatMap((m) => (m.type === 'event' ? [m.event] : []))
    },
  }
  socket.send({ type: 'userUpdate', user: { joined: true }, e2ee })
  await waitFor('joined', async () => person.events.some((e) => e.type === 'UserUpdated'))
  return person
}
export type Person = Awaited<ReturnType<typeof joinMeeting>>
