import { encodeIdentity, IDENTITY_HEADER, ServerMessage } from '@tangerine/contracts'
import { env, exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { SESSION_MAX_AGE_SECONDS, signSession, verifySession } from '../src/identity/session-cookie.ts'
import { base, sessionCookie, signIn } from './support/session.ts'

const socketRequest = (
  room: string,
  headers: Record<string, string> = {},
  userId = crypto.randomUUID().replaceAll('-', ''),
) =>
  new Request(`${base}/api/rooms/${room}/ws?_pk=${userId}`, {
    headers: { Upgrade: 'websocket', ...headers },
  })

describe('session', () => {
  it('keeps the lobby name in a signed cookie', async () => {
    const { cookie, key } = await signIn('Ada Lovelace')
    expect(key).toMatch(/^[0-9a-f]{16}$/)
    const me = await exports.default.fetch(new Request(`${base}/api/session`, { headers: { cookie } }))
    expect(await me.json()).toEqual({ identity: { name: 'Ada Lovelace', source: 'session', key } })
  })

  it('keeps the user key across a change of name, and gives another session another key', async () => {
    const ada = await signIn('Ada')
    const renamed = await signIn('Ada L.', { cookie: ada.cookie })
    expect(renamed.key).toBe(ada.key)
    expect((await signIn('Ada')).key).not.toBe(ada.key)
  })

  it('stops honouring a cookie past its age, even one the gateway signed', async () => {
    const secret = env.SESSION_SECRET
    const now = Date.now()
    const old = await signSession(
      { name: 'Ada', sid: '0123456789abcdef0123456789abcdef' },
      secret,
      now - (SESSION_MAX_AGE_SECONDS + 60) * 1000,
    )
    expect(await verifySession(old, secret, now)).toBeUndefined()
    const fresh = await signSession({ name: 'Ada', sid: '0123456789abcdef0123456789abcdef' }, secret, now - 1000)
    expect(await verifySession(fresh, secret, now)).toMatchObject({ name: 'Ada' })
    const me = await exports.default.fetch(
      new Request(`${base}/api/session`, { headers: { cookie: `tangerine_session=${old}` } }),
    )
    expect(await me.json()).toEqual({ identity: null })
  })

  it('ignores a tampered cookie', async () => {
    const cookie = await sessionCookie('Ada')
    const [nameValue] = cookie.split('.')
    const tail = nameValue!.endsWith('xx') ? 'yy' : 'xx'
    const forged = `${nameValue!.slice(0, -2)}${tail}.${cookie.split('.')[1]}`
    expect(forged).not.toBe(cookie)
    const me = await exports.default.fetch(new Request(`${base}/api/session`, { headers: { cookie: forged } }))
    expect(await me.json()).toEqual({ identity: null })
  })

  it.each([{}, { name: '' }, { name: 'x'.repeat(65) }, { name: 'Ada', admin: true }])('refuses %j', async (body) => {
    const res = await exports.default.fetch(
      new Request(`${base}/api/session`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      }),
    )
    expect(res.status).toBe(400)
    expect(res.headers.get(`set-cookie`)).toBeNull()
  })
})

describe('room sockets through the gateway', () => {
  it('connects a named user to the room object through the rooms binding', async () => {
    const grace = await signIn('Grace')
    const res = await exports.default.fetch(socketRequest('gateway-room', { cookie: grace.cookie }, grace.id))
    expect(res.status).toBe(101)
    const ws = res.webSocket!
    ws.accept()
    const first = await new Promise<ServerMessage>((resolve) =>
      ws.addEventListener('message', (e) => resolve(ServerMessage.parse(JSON.parse(e.data as string))), { once: true }),
    )
    expect(first.type).toBe('roomState')
    if (first.type === 'roomState') expect(first.state.users.find((u) => u.id === first.you)?.name).toBe('Grace')
    ws.close()
  })

  it('refuses a socket without a session', async () => {
    const res = await exports.default.fetch(socketRequest('gateway-room'))
    expect(res.status).toBe(401)
  })

  it('does not let a client forge the identity header', async () => {
    const forged = encodeIdentity({ name: 'Mallory', source: 'access', key: '0123456789abcdef' })
    const res = await exports.default.fetch(
      socketRequest('gateway-room', { [IDENTITY_HEADER]: forged }, '0123456789abcdef99'),
    )
    expect(res.status).toBe(401)
  })

  it('refuses a user id that is not the caller’s, even beside a forged identity header', async () => {
    const grace = await signIn('Grace')
    const mallory = await signIn('Mallory')
    // Grace's id is visible to everyone in her room; Mallory tries it with her own session.
    const asGrace = await exports.default.fetch(socketRequest('gateway-room', { cookie: mallory.cookie }, grace.id))
    expect(asGrace.status).toBe(403)
    expect(await asGrace.json()).toMatchObject({ title: 'Not your user id' })
    const forged = encodeIdentity({ name: 'Grace', source: 'session', key: grace.key })
    const withForged = await exports.default.fetch(
      socketRequest('gateway-room', { cookie: mallory.cookie, [IDENTITY_HEADER]: forged }, grace.id),
    )
    expect(withForged.status).toBe(403)
    // Her own id goes through.
    const own = await exports.default.fetch(socketRequest('gateway-room', { cookie: mallory.cookie }, mallory.id))
    expect(own.status).toBe(101)
    own.webSocket!.accept()
    own.webSocket!.close()
  })

  it('answers a bad room name with the rooms service 400', async () => {
    const grace = await signIn('Grace')
    const res = await exports.default.fetch(socketRequest('Bad_Room', { cookie: grace.cookie }, grace.id))
    expect(res.status).toBe(400)
  })
})

describe('the Calls API through the gateway', () => {
  it('refuses partytracks calls without an identity', async () => {
    const res = await exports.default.fetch(
      new Request(`${base}/api/partytracks/sessions/new?room=r&user=abcdefgh12`, { method: 'POST' }),
    )
    expect(res.status).toBe(401)
  })

  it('passes an identified caller on to the media Worker, which checks the room', async () => {
    const cookie = await sessionCookie('Grace')
    const res = await exports.default.fetch(
      new Request(`${base}/api/partytracks/sessions/new?room=no-such-room&user=abcdefgh12`, {
        method: 'POST',
        headers: { cookie },
      }),
    )
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ errorCode: 'unauthorized', detail: 'You are not in room no-such-room' })
  })
})

describe('the after-call question through the gateway', () => {
  const post = (room: string, body: unknown, headers: Record<string, string> = {}) =>
    exports.default.fetch(
      new Request(`${base}/api/rooms/${room}/quality`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      }),
    )

  it('refuses an answer without a session', async () => {
    expect((await post('gateway-room', { meetingId: 'm', userId: 'u', rating: 3 })).status).toBe(401)
  })

  it('passes an identified answer to the rooms Worker, which validates it', async () => {
    const cookie = await sessionCookie('Grace')
    const res = await post('gateway-room', { meetingId: 'm', userId: 'u', rating: 9 }, { cookie })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ errors: [expect.objectContaining({ path: 'rating' })] })
  })
})
