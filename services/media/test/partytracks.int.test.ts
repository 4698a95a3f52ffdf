import { createCallsClient } from '@tangerine/contracts/calls/client'
import { exports } from 'cloudflare:workers'
import { describe, expect, inject, it } from 'vitest'
import { call, join, newSession, publish, randomRoom } from './support/calls-people.ts'

const sfu = () => {
  const { apiUrl, appId, appSecret } = inject('sfu')
  return createCallsClient({ baseUrl: apiUrl, appId, appSecret })
}
describe('the Calls proxy', () => {
  it('creates a session at the SFU for someone in the room, and keeps its history', async () => {
    const ada = await join(randomRoom(), 'Ada')
    const sessionId = await newSession(ada)
    expect(await sfu().getSession(sessionId)).toMatchObject({ tracks: [] })

    // A push with the SFU making the offer reaches the SFU and is answered with it.
    await publish(ada, sessionId, 'mic')

    const history = await call(ada, 'GET', `/sessions/${sessionId}/history`)
    const { entries } = (await history.json()) as { entries: Array<{ type: string; endpoint: string; status?: number }> }
    expect(entries.map((e) => [e.type, e.endpoint, e.status])).toEqual([
      ['request', '/sessions/new', undefined],
      ['response', '/sessions/new', 201],
      ['request', `/sessions/${sessionId}/tracks/new`, undefined],
      ['response', `/sessions/${sessionId}/tracks/new`, 200],
    ])
  })

  it('refuses a request without an identity or from someone not in the room', async () => {
    const room = randomRoom()
    const ada = await join(room, 'Ada')
    expect((await call(undefined, 'POST', '/sessions/new', undefined, room)).status).toBe(400)
    const anonymous = await exports.default.fetch(
      new Request(`http://media.internal/partytracks/sessions/new?room=${room}&user=${ada.id}`, { method: 'POST' }),
    )
    expect(anonymous.status).toBe(401)
    // Ada's id is in the room's state for all to see; Mallory, with her own key, cannot use it.
    const stranger = { ...(await join(room, 'Mallory')), id: ada.id }
    const refused = await call(stranger, 'POST', '/sessions/new')
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ status: 403, errorCode: 'unauthorized' })
    expect((await call(ada, 'POST', '/sessions/new', undefined, randomRoom())).status).toBe(403)
  })

  it('keeps sessions to their owner and their room', async () => {
    const room = randomRoom()
    const ada = await join(room, 'Ada')
    const bob = await join(room, 'Bob')
    const eve = await join(randomRoom(), 'Eve')
    const adas = await newSession(ada)
    const eves = await newSession(eve)
    const bobs = await newSession(bob)

    expect((await call(bob, 'GET', `/sessions/${adas}`)).status).toBe(403)
    expect((await call(eve, 'GET', `/sessions/${adas}`)).status).toBe(403)
    // Pulling from another room's session is refused before the SFU hears of it.
    const crossRoom = await call(bob, 'POST', `/sessions/${bobs}/tracks/new`, {
      tracks: [{ location: 'remote', sessionId: eves, trackName: 'camera' }],
    })
    expect(crossRoom.status).toBe(403)
    expect(await sfu().getSession(bobs)).toMatchObject({ tracks: [] })
  })

  it.each([
    ['a body that is not JSON', '{"tracks": ['],
    ['tracks that are not a list', { tracks: 'camera' }],
    ['too many tracks', { tracks: Array.from({ length: 65 }, (_, i) => ({ location: 'remote', sessionId: 'x', trackName: `t${i}` })) }],
    ['a session description without SDP', { sessionDescription: { type: 'offer' }, tracks: [] }],
  ])('refuses %s with a 400 and changes nothing', async (_label, body) => {
    const ada = await join(randomRoom(), 'Ada')
    const sessionId = await newSession(ada)
    const res = await call(ada, 'POST', `/sessions/${sessionId}/tracks/new`, body)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ status: 400, errorCode: 'decoding_error' })
    expect(await sfu().getSession(sessionId)).toMatchObject({ tracks: [] })
    const history = (await (await call(ada, 'GET', `/sessions/${sessionId}/history`)).json()) as { entries: unknown[] }
    expect(history.entries).toHaveLength(2)
  })

  it('never sends the app secret to the browser', async () => {
    const ada = await join(randomRoom(), 'Ada')
    const res = await call(ada, 'POST', '/sessions/new')
    expect(await res.text()).not.toContain(inject('sfu').appSecret)
  })
})
