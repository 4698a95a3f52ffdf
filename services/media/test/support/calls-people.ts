import { identityHeaders, keyOf, newUserId } from '../../../../scripts/test-support/people.ts'
import { env, exports } from 'cloudflare:workers'
import { expect } from 'vitest'

export const randomRoom = () => `media-${crypto.randomUUID().slice(0, 8)}`

/** Waits for the first socket message that `match` accepts. */
function next(
  ws: WebSocket,
  match: (m: { type: string; event?: { type: string; data: { userId?: string } } }) => boolean,
) {
  return new Promise<void>((resolve) => {
    const on = (e: MessageEvent) => {
      if (!match(JSON.parse(String(e.data)))) return
      ws.removeEventListener('message', on)
      resolve()
    }
    ws.addEventListener('message', on)
  })
}

/**
 * Puts a person in a room the way the gateway does: a socket to the rooms Worker with an
 * identity; then, unless `lobby`, in the meeting (`joined: true`, as the page's Join does).
 */
export async function join(room: string, name: string, { lobby = false } = {}) {
  const id = newUserId()
  const res = await env.ROOMS.fetch(
    new Request(`http://rooms.internal/rooms/${room}/ws?_pk=${id}`, {
      headers: { Upgrade: 'websocket', ...identityHeaders({ name, key: keyOf(id) }) },
    }),
  )
  const ws = res.webSocket!
  ws.accept()
  await next(ws, (m) => m.type === 'roomState')
  const person = { id, key: keyOf(id), name, room, ws }
  if (!lobby) await setJoined(person, true)
  return person
}

export type Person = Awaited<ReturnType<typeof join>>

/** Joins the meeting or goes back to the lobby, once the room has it. */
export async function setJoined(who: Person, joined: boolean) {
  const done = next(who.ws, (m) => m.event?.type === 'UserUpdated' && m.event.data.userId === who.id)
  who.ws.send(JSON.stringify({ type: 'userUpdate', user: { joined } }))
  await done
}

/** A partytracks call through the media Worker as `as`, in `room` (theirs unless told). */
export function call(
  as: Person | undefined,
  method: string,
  path: string,
  body?: unknown,
  room = as?.room,
  headers: Record<string, string> = {},
) {
  const query = new URLSearchParams()
  if (room) query.set('room', room)
  if (as) query.set('user', as.id)
  return exports.default.fetch(
    new Request(`http://media.internal/partytracks${path}?${query}`, {
      method,
      headers: { ...(as ? identityHeaders(as) : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    }),
  )
}

export async function newSession(as: Person) {
  const res = await call(as, 'POST', '/sessions/new')
  expect(res.status).toBe(201)
  return ((await res.json()) as { sessionId: string }).sessionId
}

/** Publishes an audio track with the SFU making the offer (no browser needed): its name. */
export async function publish(as: Person, sessionId: string, trackName = 'mic') {
  const res = await call(as, 'POST', `/sessions/${sessionId}/tracks/new`, {
    tracks: [{ location: 'local', trackName, kind: 'audio', bidirectionalMediaStream: true }],
  })
  expect(res.status).toBe(200)
  expect(((await res.json()) as { tracks: Array<{ trackName: string }> }).tracks[0]).toMatchObject({ trackName })
  return trackName
}

/** A session's history, as its reader sees it. */
export async function historyOf(sessionId: string, as: Person, headers: Record<string, string> = {}) {
  const res = await call(as, 'GET', `/sessions/${sessionId}/history`, undefined, as.room, headers)
  return { status: res.status, body: (await res.json()) as { entries?: Array<{ endpoint: string }>; status?: number } }
}
