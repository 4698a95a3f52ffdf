import { createCallsClient } from '@tangerine/contracts/calls/client'
import { encodeOperator, OPERATOR_HEADER } from '@tangerine/contracts/ops/operator'
import { describe, expect, inject, it } from 'vitest'
import { call, historyOf, join, newSession, publish, randomRoom, setJoined } from '../support/calls-people.ts'

const sfu = () => {
  const { apiUrl, appId, appSecret } = inject('sfu')
  return createCallsClient({ baseUrl: apiUrl, appId, appSecret })
}

/** Ada publishes her mic in room R; Eve, with a session of her own, sits in room O. */
async function twoRooms() {
  const ada = await join(randomRoom(), 'Ada')
  const adas = await newSession(ada)
  const mic = await publish(ada, adas)
  const eve = await join(randomRoom(), 'Eve')
  const eves = await newSession(eve)
  return { ada, adas, mic, eve, eves }
}

/** What Eve's own session was asked, as its history kept it. */
async function endpointsAsked(eve: Awaited<ReturnType<typeof join>>, eves: string) {
  const { body } = await historyOf(eves, eve)
  return body.entries!.map((e) => e.endpoint)
}

describe('another room’s sessions, in any field of any call', () => {
  it.each([
    [
      'tracks/update, no location',
      'PUT',
      'tracks/update',
      (s: string, t: string) => ({ tracks: [{ sessionId: s, trackName: t, mid: '0' }] }),
    ],
    [
      'tracks/update, remote',
      'PUT',
      'tracks/update',
      (s: string, t: string) => ({ tracks: [{ location: 'remote', sessionId: s, trackName: t, mid: '0' }] }),
    ],
    [
      'tracks/new, no location',
      'POST',
      'tracks/new',
      (s: string, t: string) => ({ tracks: [{ sessionId: s, trackName: t }] }),
    ],
    [
      'tracks/new, "local"',
      'POST',
      'tracks/new',
      (s: string, t: string) => ({ tracks: [{ location: 'local', sessionId: s, trackName: t, kind: 'audio' }] }),
    ],
  ])('refuses a pull of their track through %s, before the SFU hears of it', async (_label, method, op, body) => {
    const { adas, mic, eve, eves } = await twoRooms()
    const res = await call(eve, method, `/sessions/${eves}/${op}`, body(adas, mic))
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({
      status: 403,
      errorCode: 'unauthorized',
      detail: `Sessions ${adas} are not in room ${eve.room}`,
    })
    expect(await sfu().getSession(eves)).toMatchObject({ tracks: [] })
    expect(await endpointsAsked(eve, eves)).toEqual(['/sessions/new', '/sessions/new'])
  })

  it.each([
    [
      'a field the proxy does not know, on a track',
      (s: string, t: string, own: string) => ({
        tracks: [{ location: 'remote', sessionId: own, trackName: t, from: s }],
      }),
    ],
    ['a field the proxy does not know, on the body', (s: string) => ({ tracks: [], publisher: { sessionId: s } })],
    [
      'a field the proxy does not know, in simulcast',
      (s: string, t: string, own: string) => ({
        tracks: [{ location: 'remote', sessionId: own, trackName: t, simulcast: { sessionId: s } }],
      }),
    ],
  ])('refuses %s with a 400, before the SFU hears of it', async (_label, body) => {
    const { adas, mic, eve, eves } = await twoRooms()
    const res = await call(eve, 'POST', `/sessions/${eves}/tracks/new`, body(adas, mic, eves))
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ status: 400, errorCode: 'decoding_error' })
    expect(await endpointsAsked(eve, eves)).toEqual(['/sessions/new', '/sessions/new'])
  })

  it('lets a pull name only a track a session of this room published', async () => {
    const room = randomRoom()
    const ada = await join(room, 'Ada')
    const bob = await join(room, 'Bob')
    const adas = await newSession(ada)
    const bobs = await newSession(bob)
    const mic = await publish(ada, adas)

    const made = await call(bob, 'POST', `/sessions/${bobs}/tracks/new`, {
      tracks: [{ location: 'remote', sessionId: adas, trackName: 'made-up' }],
    })
    expect(made.status).toBe(403)
    expect(await made.json()).toMatchObject({ detail: `No session of room ${room} publishes ${adas}/made-up` })
    // A track named without its session, or a session without its track, is not a pull we can check.
    for (const track of [{ trackName: mic }, { location: 'remote', sessionId: adas }]) {
      const res = await call(bob, 'POST', `/sessions/${bobs}/tracks/new`, { tracks: [track] })
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ errorCode: 'invalid_params' })
    }
    expect(await sfu().getSession(bobs)).toMatchObject({ tracks: [] })

    const real = await call(bob, 'POST', `/sessions/${bobs}/tracks/new`, {
      tracks: [{ location: 'remote', sessionId: adas, trackName: mic }],
    })
    expect(real.status).toBe(200)
    expect(((await real.json()) as { tracks: unknown[] }).tracks[0]).toMatchObject({ sessionId: adas, trackName: mic })
  })

  it('proxies no data channel calls', async () => {
    const { adas, eve, eves } = await twoRooms()
    for (const op of ['datachannels/establish', 'datachannels/new', 'datachannels/update', 'datachannels/close']) {
      const res = await call(eve, op === 'datachannels/new' ? 'POST' : 'PUT', `/sessions/${eves}/${op}`, {
        dataChannels: [{ location: 'remote', sessionId: adas, dataChannelName: 'chat', id: 1 }],
      })
      expect(res.status).toBe(404)
    }
  })
})

describe('a session of someone else in the same meeting', () => {
  it.each([
    [
      'push a track into it',
      'POST',
      'tracks/new',
      { tracks: [{ location: 'local', trackName: 'hijack', kind: 'audio', bidirectionalMediaStream: true }] },
    ],
    ['pull into it', 'POST', 'tracks/new', { tracks: [{ location: 'remote', sessionId: 'OWN', trackName: 'mic' }] }],
    ['renegotiate it', 'PUT', 'renegotiate', { sessionDescription: { type: 'answer', sdp: 'v=0' } }],
    ['close its tracks', 'PUT', 'tracks/close', { tracks: [{ mid: '0' }], force: true }],
    [
      're-point its pulls',
      'PUT',
      'tracks/update',
      { tracks: [{ location: 'remote', sessionId: 'OWN', trackName: 'mic', mid: '0' }] },
    ],
  ])('cannot %s: refused before the SFU hears of it', async (_label, method, op, body) => {
    const room = randomRoom()
    const ada = await join(room, 'Ada')
    const bob = await join(room, 'Bob')
    const adas = await newSession(ada)
    const mic = await publish(ada, adas)
    const bobs = await newSession(bob)
    await publish(bob, bobs)
    const before = await sfu().getSession(adas)
    // Bob is in the meeting and names only sessions of this room; the session is still not his.
    const res = await call(
      bob,
      method,
      `/sessions/${adas}/${op}`,
      JSON.parse(JSON.stringify(body).replaceAll('OWN', bobs)),
    )
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({
      status: 403,
      errorCode: 'unauthorized',
      detail: `Session ${adas} is not yours in room ${room}`,
    })
    expect(await sfu().getSession(adas)).toEqual(before)
    expect(before.tracks).toEqual([expect.objectContaining({ location: 'local', trackName: mic })])
    const { body: history } = await historyOf(adas, ada)
    expect(history.entries!.map((e) => e.endpoint)).toEqual([
      '/sessions/new',
      '/sessions/new',
      `/sessions/${adas}/tracks/new`,
      `/sessions/${adas}/tracks/new`,
    ])
  })
})

describe('a session’s Calls history', () => {
  it('is its owner’s alone, during the session and after', async () => {
    const { ada, adas, eve } = await twoRooms()
    // Eve, never in Ada's room, names the room and Ada's user id (both public) with her own identity.
    const asAda = { ...eve, room: ada.room, id: ada.id }
    const spy = await historyOf(adas, asAda)
    expect(spy.status).toBe(403)
    expect(JSON.stringify(spy.body)).not.toContain('sdp')

    // Mallory, in the room, is refused too, and so is Eve once Ada has left.
    const mallory = await join(ada.room, 'Mallory')
    expect((await historyOf(adas, { ...mallory, id: ada.id })).status).toBe(403)
    expect((await historyOf(adas, mallory)).status).toBe(403)
    ada.ws.close()
    expect((await historyOf(adas, asAda)).status).toBe(403)

    // Ada still reads hers after leaving.
    const own = await historyOf(adas, ada)
    expect(own.status).toBe(200)
    expect(own.body.entries!.map((e) => e.endpoint)).toContain(`/sessions/${adas}/tracks/new`)
  })

  it('is open to an operator as the gateway marks one, and not to a malformed mark', async () => {
    const { ada, adas, eve } = await twoRooms()
    const operator = { ...eve, room: ada.room }
    expect((await historyOf(adas, operator, { [OPERATOR_HEADER]: 'not-an-operator' })).status).toBe(403)
    const read = await historyOf(adas, operator, { [OPERATOR_HEADER]: encodeOperator({ via: 'token' }) })
    expect(read.status).toBe(200)
    expect(read.body.entries!.length).toBeGreaterThan(0)
  })
})

describe('someone still in the lobby', () => {
  it('gets no Calls session, pushes or pulls until the room has them in the meeting', async () => {
    const room = randomRoom()
    const ada = await join(room, 'Ada')
    const adas = await newSession(ada)
    const mic = await publish(ada, adas)
    const lurker = await join(room, 'Lurker', { lobby: true })

    const refused = await call(lurker, 'POST', '/sessions/new')
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({
      errorCode: 'unauthorized',
      detail: `You are not in the meeting in room ${room}: join it first`,
    })

    // Back to the lobby after joining: the session made in the meeting pulls nothing more.
    const bob = await join(room, 'Bob')
    const bobs = await newSession(bob)
    await setJoined(bob, false)
    const pull = await call(bob, 'POST', `/sessions/${bobs}/tracks/new`, {
      tracks: [{ location: 'remote', sessionId: adas, trackName: mic }],
    })
    expect(pull.status).toBe(403)
    expect(await sfu().getSession(bobs)).toMatchObject({ tracks: [] })
  })

  it('may still let go of its own tracks (a page the room timed out closes them before it rejoins)', async () => {
    const room = randomRoom()
    const ada = await join(room, 'Ada')
    const adas = await newSession(ada)
    const mic = await publish(ada, adas)
    await setJoined(ada, false)
    const mid = ((await sfu().getSession(adas)) as { tracks: Array<{ trackName: string; mid: string }> }).tracks.find(
      (t) => t.trackName === mic,
    )!.mid
    const closed = await call(ada, 'PUT', `/sessions/${adas}/tracks/close`, { tracks: [{ mid }], force: true })
    expect(closed.status).toBe(200)
    // Taking anything is still the meeting's: a push of its own is refused from the lobby.
    expect(
      (
        await call(ada, 'POST', `/sessions/${adas}/tracks/new`, {
          tracks: [{ location: 'local', trackName: 'again', mid: '1' }],
        })
      ).status,
    ).toBe(403)
  })
})
