import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { stackUrl } from '../people.ts'

/*
 * The Calls proxy as an outsider tries it: raw HTTP through the gateway with identities of their
 * own (a lobby cookie each), and real room sockets to be present where they claim to be.
 */

const origin = new URL(stackUrl).origin
const sockets: WebSocket[] = []
afterAll(() => sockets.forEach((s) => s.close()))

const randomRoom = () => `attack-${randomBytes(4).toString('hex')}`

/** A person with a lobby cookie of their own, and a tab's user id under their key. */
async function person(name: string) {
  const res = await fetch(`${stackUrl}/api/session`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  })
  expect(res.status).toBe(200)
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!
  const { identity } = (await res.json()) as { identity: { key: string } }
  return { name, cookie, id: `${identity.key}${randomBytes(8).toString('hex')}` }
}
type Person = Awaited<ReturnType<typeof person>>

/** Resolves with the first message `match` accepts. */
function next(ws: WebSocket, match: (m: { type: string; event?: { type: string; data: { userId?: string } } }) => boolean) {
  return new Promise<void>((resolve) => {
    const on = (data: WebSocket.RawData) => {
      if (!match(JSON.parse(String(data)))) return
      ws.off('message', on)
      resolve()
    }
    ws.on('message', on)
  })
}

/** A room socket as the page opens it; in the meeting (`joined: true`) unless `lobby`. */
async function enter(who: Person, room: string, { lobby = false } = {}) {
  const ws = new WebSocket(`${stackUrl.replace(/^http/, 'ws')}/api/rooms/${room}/ws?_pk=${who.id}`, { headers: { cookie: who.cookie, origin } })
  sockets.push(ws)
  await next(ws, (m) => m.type === 'roomState')
  if (!lobby) {
    const joined = next(ws, (m) => m.event?.type === 'UserUpdated' && m.event.data.userId === who.id)
    ws.send(JSON.stringify({ type: 'userUpdate', user: { joined: true } }))
    await joined
  }
  return ws
}

/** A partytracks call through the gateway, as `who`, claiming `room` and `user`. */
async function calls(who: Person, method: string, path: string, q: { room: string; user?: string }, body?: unknown) {
  const query = new URLSearchParams({ room: q.room, user: q.user ?? who.id })
  const res = await fetch(`${stackUrl}/api/partytracks${path}?${query}`, {
    method,
    headers: { cookie: who.cookie, origin },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, text: await res.text() }
}

/** Ada in the meeting in room R, publishing her mic (the SFU makes the offer: no browser needed). */
async function adaPublishing() {
  const room = randomRoom()
  const ada = await person('Ada')
  const socket = await enter(ada, room)
  const made = await calls(ada, 'POST', '/sessions/new', { room })
  expect(made.status).toBe(201)
  const { sessionId } = JSON.parse(made.text) as { sessionId: string }
  const pushed = await calls(ada, 'POST', `/sessions/${sessionId}/tracks/new`, { room }, {
    tracks: [{ location: 'local', trackName: 'mic', kind: 'audio', bidirectionalMediaStream: true }],
  })
  expect(pushed.status).toBe(200)
  return { room, ada, socket, sessionId, trackName: 'mic' }
}

/** Eve in the meeting in a room of her own, with a Calls session there. */
async function eveElsewhere() {
  const room = randomRoom()
  const eve = await person('Eve')
  await enter(eve, room)
  const made = await calls(eve, 'POST', '/sessions/new', { room })
  expect(made.status).toBe(201)
  return { eve, room, sessionId: (JSON.parse(made.text) as { sessionId: string }).sessionId }
}

describe('an outsider and the Calls proxy', () => {
  it('cannot pull another room’s track by leaving out location', async () => {
    const r = await adaPublishing()
    const o = await eveElsewhere()
    for (const [method, op, track] of [
      ['PUT', 'tracks/update', { sessionId: r.sessionId, trackName: r.trackName, mid: '0' }],
      ['POST', 'tracks/new', { sessionId: r.sessionId, trackName: r.trackName }],
      ['POST', 'tracks/new', { location: 'local', sessionId: r.sessionId, trackName: r.trackName, kind: 'audio' }],
    ] as const) {
      const res = await calls(o.eve, method, `/sessions/${o.sessionId}/${op}`, { room: o.room }, { tracks: [track] })
      expect(res.status, `${op} ${JSON.stringify(track)}`).toBe(403)
      expect(JSON.parse(res.text)).toMatchObject({ errorCode: 'unauthorized', detail: `Sessions ${r.sessionId} are not in room ${o.room}` })
    }
    // Nor through a field the proxy does not know.
    const smuggled = await calls(o.eve, 'POST', `/sessions/${o.sessionId}/tracks/new`, { room: o.room }, {
      tracks: [{ location: 'remote', sessionId: o.sessionId, trackName: 'x', publisher: r.sessionId }],
    })
    expect(smuggled.status).toBe(400)
  })

  it('cannot read someone’s Calls history (their SDP), during their meeting or after', async () => {
    const r = await adaPublishing()
    const o = await eveElsewhere()
    const spy = () => calls(o.eve, 'GET', `/sessions/${r.sessionId}/history`, { room: r.room, user: r.ada.id })
    const during = await spy()
    expect(during.status).toBe(403)
    expect(during.text).not.toMatch(/sdp|ice-pwd|candidate/i)
    // Eve even sits in Ada's room, in the meeting: still not hers.
    await enter(o.eve, r.room)
    expect((await spy()).status).toBe(403)

    const left = new Promise<void>((resolve) => r.socket.once('close', () => resolve()))
    r.socket.send(JSON.stringify({ type: 'userLeft' }))
    r.socket.close()
    await left
    const after = await spy()
    expect(after.status).toBe(403)
    expect(after.text).not.toMatch(/sdp|ice-pwd|candidate/i)
    // Ada reads her own.
    expect((await calls(r.ada, 'GET', `/sessions/${r.sessionId}/history`, { room: r.room })).status).toBe(200)
  })

  it('gets no media from a socket that stays in the lobby', async () => {
    const r = await adaPublishing()
    const lurker = await person('Lurker')
    await enter(lurker, r.room, { lobby: true })
    const made = await calls(lurker, 'POST', '/sessions/new', { room: r.room })
    expect(made.status).toBe(403)
    expect(JSON.parse(made.text)).toMatchObject({ errorCode: 'unauthorized', detail: `You are not in the meeting in room ${r.room}: join it first` })
    expect(made.text).not.toContain('sessionId')
  })
})
