import { RoomCloseCode } from '@tangerine/contracts'
import { ManagedTurnKey } from '@tangerine/contracts/calls/turn'
import {
  LiveRooms,
  MeetingsHistory,
  OpsEventsPage,
  OpsOverview,
  OpsSessionResponse,
  OpsStateAt,
  RoomCallsSessions,
} from '@tangerine/contracts/ops/api'
import { decodeOperator, encodeOperator, OPERATOR_HEADER } from '@tangerine/contracts/ops/operator'
import { env, exports } from 'cloudflare:workers'
import { isEvent, isState } from '../../../scripts/test-support/room-socket.ts'
import { openRoomSocket } from '../../../scripts/test-support/workerd-room-socket.ts'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { forwardRequest } from '../src/forward.ts'
import { accessToken } from './support/access.ts'
import { OPERATOR_EMAIL, OPERATOR_TOKEN } from './support/operators.ts'
import { base, signIn } from './support/session.ts'

const call = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown, at = base) =>
  exports.default.fetch(
    new Request(`${at}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', origin: at, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  )
const bearer = { authorization: `Bearer ${OPERATOR_TOKEN}` }

/** An operator's sign-in: the cookie the gateway set for the token. */
async function opsCookie(at = base) {
  const res = await call('POST', '/api/ops/session', {}, { token: OPERATOR_TOKEN }, at)
  expect(res.status).toBe(200)
  expect(OpsSessionResponse.parse(await res.json())).toEqual({ operator: { via: 'token' } })
  return res.headers.get('set-cookie') ?? ''
}

describe('operator sign-in with the token', () => {
  it('sets an HttpOnly, SameSite=Strict cookie for the ops API, Secure except on localhost', async () => {
    const local = await opsCookie()
    expect(local).toMatch(/^tangerine_ops=[^;]+; Max-Age=43200; Path=\/api\/ops; HttpOnly; SameSite=Strict$/)
    const remote = await opsCookie('https://meet.example.com')
    expect(remote).toContain('; Secure')
    const cookie = local.split(';')[0]!
    const overview = await call('GET', '/api/ops/overview', { cookie })
    expect(overview.status).toBe(200)
    expect((await call('GET', '/api/ops/session', { cookie })).status).toBe(200)

    const out = await call('DELETE', '/api/ops/session', { cookie, origin: base })
    expect(out.headers.get('set-cookie')).toMatch(/^tangerine_ops=; Max-Age=0; Path=\/api\/ops/)
  })

  it('refuses a wrong token with 403 and no cookie, and a malformed body with 400', async () => {
    for (const token of ['wrong', `${OPERATOR_TOKEN}x`, OPERATOR_TOKEN.slice(0, -1)]) {
      const res = await call('POST', '/api/ops/session', {}, { token })
      expect(res.status).toBe(403)
      expect(res.headers.get('set-cookie')).toBeNull()
    }
    for (const body of [{}, { token: '' }, { token: OPERATOR_TOKEN, admin: true }, 'token']) {
      expect((await call('POST', '/api/ops/session', {}, body)).status).toBe(400)
    }
  })

  it('refuses a sign-in from another site', async () => {
    const res = await call('POST', '/api/ops/session', { origin: 'https://evil.example' }, { token: OPERATOR_TOKEN })
    expect(res.status).toBe(403)
    expect(res.headers.get('set-cookie')).toBeNull()
  })
})

describe('operators by Access identity', () => {
  it('lets in an Access email of OPERATOR_EMAILS, whatever its case, and no other', async () => {
    for (const email of [OPERATOR_EMAIL, OPERATOR_EMAIL.toUpperCase(), 'second-operator@example.com']) {
      const jwt = await accessToken(env.TEST_PRIVATE_JWK, { email })
      const res = await call('GET', '/api/ops/session', { 'cf-access-jwt-assertion': jwt })
      expect(OpsSessionResponse.parse(await res.json()).operator).toEqual({ via: 'access', email })
      expect((await call('GET', '/api/ops/rooms', { 'cf-access-jwt-assertion': jwt })).status).toBe(200)
    }
    const stranger = await accessToken(env.TEST_PRIVATE_JWK, { email: 'ada@example.com' })
    expect((await call('GET', '/api/ops/rooms', { 'cf-access-jwt-assertion': stranger })).status).toBe(403)
  })
})

/** Every /api/ops route with a request that would change nothing, or nothing that matters if it got through. */
const ROUTES: Array<[string, string, unknown?]> = [
  ['GET', '/api/ops/overview'],
  ['GET', '/api/ops/rooms'],
  ['GET', '/api/ops/rooms/ops-outsider'],
  ['GET', '/api/ops/rooms/ops-outsider/events'],
  ['GET', '/api/ops/rooms/ops-outsider/state?seq=1'],
  ['GET', '/api/ops/rooms/ops-outsider/calls'],
  ['GET', '/api/ops/meetings'],
  ['GET', '/api/ops/feedback/reports'],
  ['GET', '/api/ops/feedback/summary'],
  ['GET', '/api/ops/feedback/dead-letters'],
  ['POST', `/api/ops/feedback/dead-letters/${crypto.randomUUID()}/replay`, {}],
  ['POST', '/api/ops/rooms/ops-outsider/end', {}],
  ['POST', `/api/ops/rooms/ops-outsider/users/${'a'.repeat(32)}/remove`, {}],
  ['GET', '/api/ops/turn/keys'],
  ['POST', '/api/ops/turn/keys/rotate', { overlapSeconds: 60 }],
  ['PATCH', '/api/ops/turn/keys/some-key', { name: 'mine' }],
  ['DELETE', '/api/ops/turn/keys/some-key'],
  ['POST', '/api/ops/turn/credentials/123:abc/revoke', {}],
  ['GET', '/api/ops/no-such-route'],
]

describe('everyone who is not an operator', () => {
  it('gets 403 on every /api/ops route, whatever they send, and nothing changes', async () => {
    const participant = await signIn('Participant')
    const stranger = await accessToken(env.TEST_PRIVATE_JWK, { email: 'mallory@example.com' })
    const outsiders: Array<[string, Record<string, string>]> = [
      ['nobody', {}],
      ['a wrong token', { authorization: 'Bearer wrong-token' }],
      ['the old per-service token', { authorization: 'Bearer dev-admin-token' }],
      ['a meeting participant', { cookie: participant.cookie }],
      ['a forged operator header', { [OPERATOR_HEADER]: encodeOperator({ via: 'token' }) }],
      [
        'a forged header beside a participant',
        { cookie: participant.cookie, [OPERATOR_HEADER]: encodeOperator({ via: 'access', email: OPERATOR_EMAIL }) },
      ],
      [
        'a lobby cookie passed off as the operator cookie',
        { cookie: participant.cookie.replace(/^[^=]+/, 'tangerine_ops') },
      ],
      ['an Access identity not in OPERATOR_EMAILS', { 'cf-access-jwt-assertion': stranger }],
    ]
    const keysBefore = await (await call('GET', '/api/ops/turn/keys', bearer)).json()
    for (const [who, headers] of outsiders) {
      for (const [method, path, body] of ROUTES) {
        const res = await call(method, path, { origin: base, ...headers }, body)
        expect(res.status, `${who}: ${method} ${path}`).toBe(403)
        expect(await res.json()).toMatchObject({ status: 403, type: 'https://tangerine.dev/problems/forbidden' })
      }
    }
    expect(await (await call('GET', '/api/ops/turn/keys', bearer)).json()).toEqual(keysBefore)
  })
})

describe('the operator header', () => {
  it('is dropped from whatever the gateway forwards, and set only where it is given an operator', () => {
    const forged = new Request(`${base}/api/partytracks/sessions/x/history`, {
      headers: { [OPERATOR_HEADER]: encodeOperator({ via: 'token' }) },
    })
    expect(forwardRequest(forged, undefined).headers.get(OPERATOR_HEADER)).toBeNull()
    const marked = forwardRequest(forged, undefined, forged.url, { via: 'access', email: OPERATOR_EMAIL })
    expect(decodeOperator(marked.headers.get(OPERATOR_HEADER))).toEqual({ via: 'access', email: OPERATOR_EMAIL })
  })
})

/** Each person opens a room socket through the gateway, with their lobby cookie, and joins, in turn. */
async function joinedThroughGateway(room: string, people: Awaited<ReturnType<typeof signIn>>[]) {
  const sockets = []
  for (const person of people) {
    const socket = await openRoomSocket(
      exports.default,
      new Request(`${base}/api/rooms/${room}/ws?_pk=${person.id}`, {
        headers: { Upgrade: 'websocket', cookie: person.cookie },
      }),
    )
    await socket.next(isState)
    socket.send({ type: 'userUpdate', user: { joined: true } })
    await socket.next(isEvent('UserUpdated', (d) => d.userId === socket.id))
    sockets.push(socket)
  }
  return sockets
}

describe('the ops API for an operator', () => {
  it('shows a meeting held through the gateway: overview, live rooms, its log and its state at any seq', async () => {
    const room = `ops-${crypto.randomUUID().slice(0, 8)}`
    const people = await Promise.all(['Ada', 'Bob'].map((name) => signIn(name)))
    const sockets = await joinedThroughGateway(room, people)

    const live = async () => LiveRooms.parse(await (await call('GET', '/api/ops/rooms', bearer)).json()).rooms
    const deadline = Date.now() + 2000
    while (!(await live()).some((r) => r.name === room && r.people === 2) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect((await live()).find((r) => r.name === room)).toMatchObject({ people: 2, peak: 2, ai: false })

    const overview = OpsOverview.parse(await (await call('GET', '/api/ops/overview', bearer)).json())
    expect(overview.rooms).toMatchObject({ roomsLive: expect.any(Number), meetingsToday: expect.any(Number) })
    if ('roomsLive' in overview.rooms) expect(overview.rooms.peopleInMeetings).toBeGreaterThanOrEqual(2)
    expect(overview.sfu).toMatchObject({ status: 'available', sessions: expect.any(Number) })
    expect(overview.feedback).toMatchObject({ backlog: expect.any(Number), deadLetters: expect.any(Number) })
    expect(overview.health.services.map((s) => s.service)).toEqual([
      'gateway',
      'rooms',
      'media',
      'ai',
      'feedback',
      'web',
    ])

    const joins = OpsEventsPage.parse(
      await (await call('GET', `/api/ops/rooms/${room}/events?type=UserUpdated`, bearer)).json(),
    )
    expect(joins.events.map((e) => (e.type === 'UserUpdated' ? e.data.userId : ''))).toEqual([
      people[1]!.id,
      people[0]!.id,
    ])
    const firstJoin = joins.events.at(-1)!.seq
    const then = OpsStateAt.parse(
      await (await call('GET', `/api/ops/rooms/${room}/state?seq=${firstJoin}`, bearer)).json(),
    )
    expect(then.state.users.filter((u) => u.joined).map((u) => u.name)).toEqual(['Ada'])

    const calls = RoomCallsSessions.parse(await (await call('GET', `/api/ops/rooms/${room}/calls`, bearer)).json())
    expect(calls).toEqual({ room, sessions: [] })
    const history = MeetingsHistory.parse(await (await call('GET', '/api/ops/meetings?days=7', bearer)).json())
    expect(history.perDay.at(-1)!.meetings).toBeGreaterThanOrEqual(1)
    for (const s of sockets) s.close()
  })

  it('removes a person and ends a meeting held through the gateway; a participant or another site cannot', async () => {
    const room = `ops-${crypto.randomUUID().slice(0, 8)}`
    const people = await Promise.all(['Ada', 'Bob', 'Cy'].map((name) => signIn(name)))
    const sockets = await joinedThroughGateway(room, people)
    const [ada, bob, cy] = sockets
    const cookie = (await opsCookie()).split(';')[0]!
    const remove = `/api/ops/rooms/${room}/users/${bob!.id}/remove`
    const end = `/api/ops/rooms/${room}/end`

    // Ada is the host, but this is the operators' route: a participant's cookie gets 403.
    expect((await call('POST', remove, { cookie: people[0]!.cookie }, {})).status).toBe(403)
    // The operator's own cookie, sent by another site's page: refused before it reaches the room.
    expect((await call('POST', remove, { cookie, origin: 'https://evil.example' }, {})).status).toBe(403)
    expect((await call('POST', end, { cookie, origin: 'https://evil.example' }, {})).status).toBe(403)

    expect((await call('POST', remove, { cookie }, {})).status).toBe(200)
    expect((await bob!.closed).code).toBe(RoomCloseCode.removed)
    expect((await call('POST', end, { cookie }, {})).status).toBe(200)
    for (const s of [ada!, cy!]) expect((await s.closed).code).toBe(RoomCloseCode.meetingEnded)

    const types = 'UserRemovedByOperator,MeetingEndedByOperator'
    const acts = OpsEventsPage.parse(
      await (await call('GET', `/api/ops/rooms/${room}/events?type=${types}`, bearer)).json(),
    )
    expect(acts.events.map((e) => [e.type, (e.data as { operator: string }).operator])).toEqual([
      ['MeetingEndedByOperator', 'token'],
      ['UserRemovedByOperator', 'token'],
    ])
  })

  it('answers bad input with 400 and changes nothing', async () => {
    const keys = z.object({ keys: z.array(ManagedTurnKey) })
    const before = keys.parse(await (await call('GET', '/api/ops/turn/keys', bearer)).json())
    for (const [method, path, body] of [
      ['GET', '/api/ops/rooms/ops-x/events?limit=0'],
      ['GET', '/api/ops/rooms/ops-x/events?type=Nope'],
      ['GET', '/api/ops/rooms/ops-x/state?seq=-1'],
      ['GET', '/api/ops/rooms/Bad_Name/events'],
      ['GET', '/api/ops/meetings?days=0'],
      ['GET', '/api/ops/feedback/reports?limit=1000'],
      ['POST', '/api/ops/turn/keys/rotate', { overlapSeconds: -5 }],
      ['POST', '/api/ops/feedback/dead-letters/not-a-uuid/replay', {}],
    ] as Array<[string, string, unknown?]>) {
      const res = await call(method, path, { ...bearer, origin: base }, body)
      expect(res.status, `${method} ${path}`).toBe(400)
      expect(await res.json()).toMatchObject({ type: 'https://tangerine.dev/problems/validation' })
    }
    expect(keys.parse(await (await call('GET', '/api/ops/turn/keys', bearer)).json())).toEqual(before)
  })
})
