import { encodeIdentity, IDENTITY_HEADER, ServerMessage } from '@tangerine/contracts'
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'

const base = 'http://localhost'

async function sessionCookie(name: string) {
  const res = await exports.default.fetch(
    new Request(`${base}/api/session`, { method: 'POST', body: JSON.stringify({ name }), headers: { 'content-type': 'application/json' } }),
  )
  expect(res.status).toBe(200)
  const cookie = res.headers.get('set-cookie') ?? ''
  expect(cookie).toContain('HttpOnly')
  return cookie.split(';')[0]!
}

const socketRequest = (room: string, headers: Record<string, string> = {}) =>
  new Request(`${base}/api/rooms/${room}/ws?_pk=${crypto.randomUUID().replaceAll('-', '')}`, {
    headers: { Upgrade: 'websocket', ...headers },
  })

describe('session', () => {
  it('keeps the lobby name in a signed cookie', async () => {
    const cookie = await sessionCookie('Ada Lovelace')
    const me = await exports.default.fetch(new Request(`${base}/api/session`, { headers: { cookie } }))
    expect(await me.json()).toEqual({ identity: { name: 'Ada Lovelace', source: 'session' } })
  })

  it('ignores a tampered cookie', async () => {
    const cookie = await sessionCookie('Ada')
    const [nameValue] = cookie.split('.')
    const forged = `${nameValue!.slice(0, -2)}xx.${cookie.split('.')[1]}`
    const me = await exports.default.fetch(new Request(`${base}/api/session`, { headers: { cookie: forged } }))
    expect(await me.json()).toEqual({ identity: null })
  })

  it.each([{}, { name: '' }, { name: 'x'.repeat(65) }, { name: 'Ada', admin: true }])('refuses %j', async (body) => {
    const res = await exports.default.fetch(
      new Request(`${base}/api/session`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    )
    expect(res.status).toBe(400)
    expect(res.headers.get(`set-cookie`)).toBeNull()
  })
})

describe('room sockets through the gateway', () => {
  it('connects a named user to the room object through the rooms binding', async () => {
    const cookie = await sessionCookie('Grace')
    const res = await exports.default.fetch(socketRequest('gateway-room', { cookie }))
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
    const forged = encodeIdentity({ name: 'Mallory', source: 'access' })
    const res = await exports.default.fetch(socketRequest('gateway-room', { [IDENTITY_HEADER]: forged }))
    expect(res.status).toBe(401)
  })

  it('answers a bad room name with the rooms service 400', async () => {
    const cookie = await sessionCookie('Grace')
    const res = await exports.default.fetch(socketRequest('Bad_Room', { cookie }))
    expect(res.status).toBe(400)
  })
})


describe('the Calls API through the gateway', () => {
  it('refuses partytracks calls without an identity', async () => {
    const res = await exports.default.fetch(new Request(`${base}/api/partytracks/sessions/new?room=r&user=abcdefgh12`, { method: 'POST' }))
    expect(res.status).toBe(401)
  })

  it('passes an identified caller on to the media Worker, which checks the room', async () => {
    const cookie = await sessionCookie('Grace')
    const res = await exports.default.fetch(
      new Request(`${base}/api/partytracks/sessions/new?room=no-such-room&user=abcdefgh12`, { method: 'POST', headers: { cookie } }),
    )
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ errorCode: 'unauthorized', detail: 'You are not in room no-such-room' })
  })
})

describe('the after-call question through the gateway', () => {
  const post = (room: string, body: unknown, headers: Record<string, string> = {}) =>
    exports.default.fetch(
      new Request(`${base}/api/rooms/${room}/quality`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } }),
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
