import { afterAll, describe, expect, it } from 'vitest'
import {
  isEvent,
  isState,
  outsider,
  randomRoom,
  roomSocket,
  stackUrl,
  tab,
  type Outsider,
  type RawSocket,
} from './outsider.ts'

/*
 * The Calls proxy as an outsider tries it: raw HTTP through the gateway with identities of their
 * own (a lobby cookie each), and real room sockets to be present where they claim to be.
 */

const origin = new URL(stackUrl).origin
const sockets: RawSocket[] = []
afterAll(() => sockets.forEach((s) => s.close()))

/** A person with a lobby cookie of their own, and a tab's user id under their key. */
async function person(name: string) {
  const who = await outsider(name)
  return { ...who, id: `${who.key}${tab()}` }
}
type Person = Outsider & { id: string }

/** A room socket as the page opens it; in the meeting (`joined: true`) unless `lobby`. */
async function enter(who: Person, room: string, { lobby = false } = {}) {
  const socket = await roomSocket(room, who, who.id)
  sockets.push(socket)
  await socket.next(isState)
  if (!lobby) {
    const from = socket.messages.length
    socket.send({ type: 'userUpdate', user: { joined: true } })
    await socket.next(
      isEvent('UserUpdated', (d) => d.userId === who.id),
      from,
    )
  }
  return socket
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
  const pushed = await calls(
    ada,
    'POST',
    `/sessions/${sessionId}/tracks/new`,
    { room },
    {
      tracks: [{ location: 'local', trackName: 'mic', kind: 'audio', bidirectionalMediaStream: true }],
    },
  )
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
      expect(JSON.parse(res.text)).toMatchObject({
        errorCode: 'unauthorized',
        detail: `Sessions ${r.sessionId} are not in room ${o.room}`,
      })
    }
    // Nor through a field the proxy does not know.
    const smuggled = await calls(
      o.eve,
      'POST',
      `/sessions/${o.sessionId}/tracks/new`,
      { room: o.room },
      {
        tracks: [{ location: 'remote', sessionId: o.sessionId, trackName: 'x', publisher: r.sessionId }],
      },
    )
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

    r.socket.send({ type: 'userLeft' })
    r.socket.close()
    await r.socket.closed
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
    expect(JSON.parse(made.text)).toMatchObject({
      errorCode: 'unauthorized',
      detail: `You are not in the meeting in room ${r.room}: join it first`,
    })
    expect(made.text).not.toContain('sessionId')
  })
})
