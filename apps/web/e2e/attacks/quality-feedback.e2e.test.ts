import { request } from 'node:http'
import { describe, expect, it } from 'vitest'
import { stackUrl } from '../people.ts'
import { inOneWindow } from '../../../../scripts/test-support/rate-limit-window.ts'

/*
 * Outsiders against the after-call question and the feedback rate limit: raw HTTP and WebSocket
 * clients through the real gateway, each person with a cookie jar of their own. Each test sends
 * from a loopback address of its own (127.0.0.0/8), which `wrangler dev`, like Cloudflare's edge,
 * hands on as `cf-connecting-ip`, so per-address limits here touch no other test.
 */

const origin = new URL(stackUrl).origin
const freshAddress = () => `127.0.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`

interface Answer {
  status: number
  cookie?: string
  body: unknown
}

/** One HTTP call from `from` (a loopback address), with the caller's cookie. */
function call(method: string, path: string, init: { from: string; cookie?: string; json?: unknown }): Promise<Answer> {
  const body = init.json === undefined ? undefined : JSON.stringify(init.json)
  return new Promise((resolve, reject) => {
    const req = request(
      `${stackUrl}${path}`,
      {
        method,
        localAddress: init.from,
        headers: {
          origin,
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(init.cookie ? { cookie: init.cookie } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          const setCookie = res.headers['set-cookie']?.[0]?.split(';')[0]
          let parsed: unknown = text
          try {
            parsed = text ? JSON.parse(text) : undefined
          } catch {
            // Not JSON: kept as text.
          }
          resolve({ status: res.statusCode ?? 0, cookie: setCookie, body: parsed })
        })
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** A fresh lobby identity (a new cookie jar): its cookie and user key. */
async function newIdentity(name: string, from: string) {
  const res = await call('POST', '/api/session', { from, json: { name } })
  expect(res.status).toBe(200)
  return { name, from, cookie: res.cookie!, key: (res.body as { identity: { key: string } }).identity.key }
}
type Who = Awaited<ReturnType<typeof newIdentity>>

const tab = () => crypto.randomUUID().replaceAll('-', '').slice(0, 12)

/** A room socket of `who` (Node's WebSocket takes headers, as undici's extension allows). */
async function socket(who: Who, room: string, userId = `${who.key}${tab()}`) {
  const Socket = WebSocket as unknown as new (url: string, init: { headers: Record<string, string> }) => WebSocket
  const ws = new Socket(`${stackUrl.replace(/^http/, 'ws')}/api/rooms/${room}/ws?_pk=${userId}`, {
    headers: { origin, cookie: who.cookie },
  })
  const events: Array<{ type: string; data: Record<string, unknown> }> = []
  ws.addEventListener('message', (m) => {
    const msg = JSON.parse(String(m.data)) as { type: string; event?: (typeof events)[number] }
    if (msg.type === 'event' && msg.event) events.push(msg.event)
  })
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve)
    ws.addEventListener('error', reject)
  })
  return { ws, userId, events }
}

const problem = (a: Answer) => a.body as { status: number; title: string; detail?: string }

describe('forged call-quality answers', () => {
  it('are refused: another person’s id, a made-up id, someone only in the lobby; the real participant may answer', async () => {
    const from = freshAddress()
    const room = `attack-quality-${tab()}`
    const ada = await newIdentity('Ada', from)
    const mallory = await newIdentity('Mallory', from)

    const adaTab = await socket(ada, room)
    adaTab.ws.send(JSON.stringify({ type: 'userUpdate', user: { joined: true } }))
    await expect.poll(() => adaTab.events.find((e) => e.type === 'MeetingStarted')).toBeTruthy()
    const meetingId = String(adaTab.events.find((e) => e.type === 'MeetingStarted')!.data.meetingId)
    // Mallory waits in the lobby: she sees Ada's user id in the room's state.
    const malloryTab = await socket(mallory, room)
    await expect.poll(() => malloryTab.ws.readyState).toBe(WebSocket.OPEN)

    const quality = (who: Who, userId: string, rating: number) =>
      call('POST', `/api/rooms/${room}/quality`, { from, cookie: who.cookie, json: { meetingId, userId, rating } })

    const forged = await quality(mallory, adaTab.userId, 1)
    expect(forged.status).toBe(403)
    expect(problem(forged).title).toBe('Not your user id')
    const madeUp = await quality(mallory, `${mallory.key}${tab()}`, 1)
    expect(madeUp.status).toBe(403)
    expect(problem(madeUp).title).toBe('Not in that meeting')
    const lobbyOnly = await quality(mallory, malloryTab.userId, 1)
    expect(lobbyOnly.status).toBe(403)
    expect(problem(lobbyOnly).detail).toContain(meetingId)
    const noIdentity = await call('POST', `/api/rooms/${room}/quality`, {
      from,
      json: { meetingId, userId: adaTab.userId, rating: 1 },
    })
    expect(noIdentity.status).toBe(401)

    // Ada answers; her second answer replaces the first (one per person and meeting).
    expect((await quality(ada, adaTab.userId, 2)).status).toBe(204)
    expect((await quality(ada, adaTab.userId, 5)).status).toBe(204)
    for (const t of [adaTab, malloryTab]) t.ws.close()
  })
})

describe('the feedback rate limit', () => {
  const report = (from: string, cookie?: string) =>
    call('POST', '/api/feedback', { from, cookie, json: { description: `attack report ${tab()}` } })

  it('holds for a caller who picks a new lobby name for every report', async () => {
    await inOneWindow()
    const from = freshAddress()
    const me = await newIdentity('Name 0', from)
    const statuses = []
    for (let i = 0; i < 6; i++) {
      // Renaming keeps the cookie's session, and so its user key.
      const renamed = await call('POST', '/api/session', { from, cookie: me.cookie, json: { name: `Name ${i}` } })
      expect((renamed.body as { identity: { key: string } }).identity.key).toBe(me.key)
      statuses.push((await report(from, renamed.cookie)).status)
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429])
  })

  it('holds per address for a caller who mints a fresh session cookie (a new key) each time, and for anonymous callers', async () => {
    await inOneWindow()
    const from = freshAddress()
    const statuses = []
    for (let i = 0; i < 9; i++) statuses.push((await report(from, (await newIdentity(`Fresh ${i}`, from)).cookie)).status)
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(202))
    expect(statuses[8]).toBe(429)
    const anonymous = await report(from)
    expect(anonymous.status).toBe(429)
    expect(problem(anonymous).title).toBe('Too many reports')
  })
})
