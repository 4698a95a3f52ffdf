import { createCallsClient } from '@tangerine/contracts/calls/client'
import { env, exports } from 'cloudflare:workers'
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, inject, it, vi } from 'vitest'
import { identityHeaders } from '../../../scripts/test-support/people.ts'
import { open } from '../src/turn/secret-box.ts'
import type { TurnKeys } from '../src/turn/turn-keys.ts'
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
    const { entries } = (await history.json()) as {
      entries: Array<{ type: string; endpoint: string; status?: number }>
    }
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
    [
      'too many tracks',
      { tracks: Array.from({ length: 65 }, (_, i) => ({ location: 'remote', sessionId: 'x', trackName: `t${i}` })) },
    ],
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

  it('never sends the app secret or a TURN key secret to the browser, in any answer, nor logs them', async () => {
    const logged: string[] = []
    // Captured, not replaced: the Worker's own console calls, as its logs would hold them.
    // The linted code may use log, warn and error only, so those are the levels a log line can take.
    const originals = {
      log: console.log.bind(console),
      warn: console.warn.bind(console),
      error: console.error.bind(console),
    }
    for (const level of ['log', 'warn', 'error'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '))
        originals[level](...args)
      })
    }
    const answers: string[] = []
    const seen = async (res: Response) => {
      const text = await res.text()
      answers.push(`${res.status} ${JSON.stringify([...res.headers])} ${text}`)
      return text
    }
    try {
      const room = randomRoom()
      const ada = await join(room, 'Ada')
      const bob = await join(room, 'Bob')
      const eve = await join(randomRoom(), 'Eve')
      const adaSession = (JSON.parse(await seen(await call(ada, 'POST', '/sessions/new'))) as { sessionId: string })
        .sessionId
      await publish(ada, adaSession)
      const bobs = await newSession(bob)
      // Every kind of answer the proxy gives: the SFU's offers and errors passed on, and its own refusals.
      await seen(
        await call(bob, 'POST', `/sessions/${bobs}/tracks/new`, {
          tracks: [{ location: 'remote', sessionId: adaSession, trackName: 'mic' }],
        }),
      )
      await seen(
        await call(bob, 'PUT', `/sessions/${bobs}/renegotiate`, {
          sessionDescription: { type: 'answer', sdp: 'v=0\r\n' },
        }),
      )
      await seen(await call(bob, 'GET', `/sessions/${bobs}`))
      await seen(await call(bob, 'GET', `/sessions/${bobs}/history`))
      await seen(await call(bob, 'PUT', `/sessions/${bobs}/tracks/close`, { tracks: [{ mid: '0' }], force: true }))
      await seen(await call(bob, 'GET', `/sessions/${adaSession}`))
      await seen(await call(eve, 'POST', `/sessions/${bobs}/tracks/new`, { tracks: [] }, room))
      await seen(await call(bob, 'POST', `/sessions/${bobs}/tracks/new`, '{"tracks": ['))
      await seen(await call(undefined, 'POST', '/sessions/new', undefined, room))
      await seen(
        await exports.default.fetch(
          new Request('http://media.internal/ice-servers', { headers: identityHeaders(ada) }),
        ),
      )
      await seen(await call(ada, 'GET', '/generate-ice-servers'))
    } finally {
      vi.restoreAllMocks()
    }
    expect(answers).toHaveLength(12)
    const turnSecrets = await runInDurableObject(env.TURN_KEYS.getByName('turn'), async (_instance: TurnKeys, state) =>
      Promise.all(
        state.storage.sql
          .exec<{ uid: string; sealed: string }>('SELECT uid, sealed FROM turn_keys')
          .toArray()
          .map((row) => open(env, row.uid, row.sealed)),
      ),
    )
    const secrets = [inject('sfu').appSecret, ...turnSecrets]
    expect(turnSecrets.length).toBeGreaterThan(0)
    for (const secret of secrets) {
      for (const text of [...answers, ...logged]) expect(text).not.toContain(secret)
    }
  })
})
