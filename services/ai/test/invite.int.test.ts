import { problemTypes, type RoomState } from '@tangerine/contracts'
import { AI_REFUSED_IN_E2EE, AI_TRACK_NAME } from '@tangerine/contracts/ai/api'

import { CallsApiError } from '@tangerine/contracts/calls/client'
import { env, exports } from 'cloudflare:workers'
import { describe, expect, inject, it } from 'vitest'
import { identityHeaders, keyOf, newUserId } from '../../../scripts/test-support/people.ts'
import { safetyIdentifier } from '../src/openai/realtime.ts'
import { inviteAi } from '../src/participant/invite.ts'
import { joinMeeting, sfu, waitFor, type Person } from './support/meeting.ts'

/*
 * The AI participant end to end inside workerd: the real media and rooms Workers, the local SFU
 * as Calls and the fake OpenAI Realtime peer as OpenAI, all over loopback.
 */

const peerCalls = async () =>
  ((await (await fetch(`${inject('openaiPeer').url}/test/calls`)).json()) as { calls: Array<Record<string, unknown>> })
    .calls
const randomRoom = () => `ai-${crypto.randomUUID().slice(0, 8)}`

const post = (as: Person, path: string, body: Record<string, unknown>) =>
  exports.default.fetch(
    new Request(`http://ai.internal/rooms/${as.room}/ai${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...identityHeaders(as),
      },
      body: JSON.stringify({ user: as.id, ...body }),
    }),
  )

const roomAi = async (room: string) =>
  ((await (await env.ROOMS.fetch(`http://rooms.internal/rooms/${room}`)).json()) as { state: RoomState }).state.ai

/**
 * No track of the session is still open at the SFU: the session is closed (Calls answers 410
 * `session_error` for a closed session) or all its tracks are inactive. Any other error (a
 * session the SFU never made, a refused secret) fails the test rather than passing for "closed".
 */
async function allClosed(sessionId: string) {
  const state = await sfu()
    .getSession(sessionId)
    .catch((err: unknown) => {
      if (err instanceof CallsApiError && err.status === 410 && err.errorCode === 'session_error') return { tracks: [] }
      throw err
    })
  return state.tracks.every((t) => t.status === 'inactive')
}

describe('inviting the AI', () => {
  it('makes a third-party session the Realtime peer answers, and everyone in the room sees it join', async () => {
    const room = randomRoom()
    const ada = await joinMeeting(room, 'Ada')
    const bob = await joinMeeting(room, 'Bob')
    const before = (await peerCalls()).length

    const res = await post(ada, '', { instructions: 'Be brief.', voice: 'verse' })
    // The Realtime peer is ICE-lite, which the SFU takes only in a third-party session (an
    // ordinary one refuses its answer: packages/sfu/test/media-thirdparty.test.ts), so the flag
    // is what this 201 and the connection below rest on.
    expect(res.status).toBe(201)
    const { sessionId, trackName } = (await res.json()) as { sessionId: string; trackName: string }
    expect(trackName).toBe(AI_TRACK_NAME)

    // The session settings, which the peer (as strict as OpenAI) accepted: model, voice,
    // instructions, server VAD set explicitly for push-to-talk, and Ada's safety identifier: the
    // SHA-256 of her user key, 64 hex digits and never the key itself
    // (https://developers.openai.com/api/docs/guides/safety-checks).
    const call = (await peerCalls())[before]!
    expect(call).toMatchObject({
      model: 'gpt-realtime',
      voice: 'verse',
      instructions: 'Be brief.',
      turnDetection: { type: 'server_vad', create_response: true, interrupt_response: true },
      safetyIdentifier: await safetyIdentifier(ada.key),
    })
    expect(call.safetyIdentifier).toMatch(/^[0-9a-f]{64}$/)
    expect(call.safetyIdentifier).not.toContain(ada.key)
    await waitFor(
      'the AI peer connected to the SFU',
      async () => (await peerCalls())[before]!.connectionState === 'connected',
    )
    // The AI speaks into the session: the SFU has its sendrecv track active.
    const tracks = await waitFor('the AI track active', async () => {
      const s = await sfu().getSession(sessionId)
      return s.tracks.some((t) => t.trackName === AI_TRACK_NAME && t.status === 'active') && s.tracks
    })
    expect(tracks).toContainEqual(expect.objectContaining({ location: 'local', trackName: AI_TRACK_NAME }))

    // Everyone saw pending, then joined.
    for (const person of [ada, bob]) {
      await waitFor('AiJoined', async () => person.events.some((e) => e.type === 'AiJoined'))
      expect(person.events.filter((e) => e.type.startsWith('Ai')).map((e) => e.type)).toEqual(['AiInvited', 'AiJoined'])
    }
    expect(await roomAi(room)).toMatchObject({ status: 'joined', sessionId, trackName })

    // A second invitation is refused by the room, and makes nothing.
    const again = await post(bob, '', {})
    expect(again.status).toBe(409)
    // The room's refusal code, carried back from the rooms Worker by its problem type.
    expect(await again.json()).toMatchObject({
      type: problemTypes.room.conflict,
      detail: 'The AI is already here or on its way',
    })
    expect((await peerCalls()).length).toBe(before + 1)

    // Dismiss: the SFU closes the AI's tracks and the log says who sent it away.
    const dismissed = await post(bob, '/dismiss', {})
    expect(dismissed.status).toBe(200)
    expect(await allClosed(sessionId)).toBe(true)
    await waitFor('AiDismissed', async () => ada.events.find((e) => e.type === 'AiDismissed'))
    expect(ada.events.find((e) => e.type === 'AiDismissed')!.data).toEqual({ by: `user:${bob.id}` })
    expect(await roomAi(room)).toEqual({ status: 'absent' })
  })

  it('is refused in an end-to-end encrypted meeting, before any Calls or OpenAI work', async () => {
    const room = randomRoom()
    const ada = await joinMeeting(room, 'Ada', { e2ee: true })
    const before = (await peerCalls()).length
    const res = await post(ada, '', {})
    expect(res.status).toBe(409)
    // The room's verified state decided it, and says why in words the page can show.
    expect(await res.json()).toMatchObject({ type: problemTypes.room.e2ee_on, detail: AI_REFUSED_IN_E2EE })
    expect((await peerCalls()).length).toBe(before)
    expect(await roomAi(room)).toEqual({ status: 'absent' })
    expect(ada.events.map((e) => e.type)).not.toContain('AiFailed')
  })

  it('refuses callers who are not in the room, or not who they say', async () => {
    const room = randomRoom()
    const ada = await joinMeeting(room, 'Ada')
    // Ada's id is in the room's state for all to see; Mallory, with her own key, cannot use it.
    expect((await post({ ...ada, name: 'Mallory', key: keyOf(newUserId()) }, '', {})).status).toBe(403)
    const anonymous = await exports.default.fetch(
      new Request(`http://ai.internal/rooms/${room}/ai`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: ada.id }),
      }),
    )
    expect(anonymous.status).toBe(401)
    expect((await post(ada, '', { voice: 'nobody' })).status).toBe(400)
    expect(await roomAi(room)).toEqual({ status: 'absent' })
  })
})

describe('push-to-talk rules', () => {
  it('refuses control while the AI is absent, and a track that is not the caller’s, releasing it again', async () => {
    const room = randomRoom()
    const ada = await joinMeeting(room, 'Ada')
    const bob = await joinMeeting(room, 'Bob')
    const track = { sessionId: 'not-a-session-of-ada', trackName: 'mic' }
    expect((await post(ada, '/control', { track })).status).toBe(409)

    expect((await post(ada, '', {})).status).toBe(201)
    // Bob's session, claimed through the media Worker's proxy as his browser would.
    const created = await env.MEDIA.fetch(
      new Request(`http://media.internal/partytracks/sessions/new?room=${room}&user=${bob.id}`, {
        method: 'POST',
        headers: identityHeaders(bob),
      }),
    )
    const bobSession = ((await created.json()) as { sessionId: string }).sessionId
    const res = await post(ada, '/control', { track: { sessionId: bobSession, trackName: 'mic' } })
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ detail: expect.stringMatching(/is not .*'s/) })
    expect(ada.events.map((e) => e.type)).toEqual(expect.arrayContaining(['AiControlTaken', 'AiControlReleased']))
    expect(await roomAi(room)).not.toHaveProperty('controllingUser')
    expect((await post(bob, '/release', {})).status).toBe(200)
    await post(ada, '/dismiss', {})
  })
})

describe('a failed invitation shows a clear error and leaves nothing open', () => {
  const peer = () => inject('openaiPeer').url
  it.each([
    [
      'the endpoint is down',
      { OPENAI_MODEL_ENDPOINT: 'http://127.0.0.1:9/v1/realtime/calls' },
      /Could not reach the AI endpoint/,
    ],
    ['the token is refused (401)', { OPENAI_API_TOKEN: 'wrong-token' }, /refused the API token \(401\)/],
    ['the endpoint fails (500)', { OPENAI_MODEL_ENDPOINT: `${peer()}/status/500/v1/realtime/calls` }, /answered 500/],
    [
      // OpenAI's own reason is shown, not a guess about the token.
      'the endpoint forbids the call (403)',
      { OPENAI_MODEL_ENDPOINT: `${peer()}/status/403/v1/realtime/calls` },
      /refused the call \(403\): Country, region, or territory not supported$/,
    ],
    [
      // OpenAI refuses a query on /calls; the old beta shape's `?model=` is named before any call.
      'the endpoint has a query string',
      { OPENAI_MODEL_ENDPOINT: `${peer()}/v1/realtime/calls?model=gpt-realtime` },
      /must have no query string/,
    ],
    [
      // A model OpenAI does not have: its 400 and message come through.
      'the model is not one of OpenAI’s',
      { OPENAI_MODEL_ID: 'gpt-4-turbo' },
      /answered 400: Invalid value: 'gpt-4-turbo'/,
    ],
    [
      'the endpoint does not answer in time',
      { OPENAI_MODEL_ENDPOINT: `${peer()}/hang/v1/realtime/calls`, OPENAI_TIMEOUT_MS: '500' },
      /no answer in 500 ms/,
    ],
    ['the answer is not SDP', { OPENAI_MODEL_ENDPOINT: `${peer()}/bad-sdp/v1/realtime/calls` }, /not an SDP answer/],
    ['there is no token', { OPENAI_API_TOKEN: '' }, /not configured/],
  ])('%s', async (label, override, message) => {
    const room = randomRoom()
    const ada = await joinMeeting(room, 'Ada')
    const outcome = await inviteAi({ ...env, ...override }, room, { user: ada.id }, ada.key)
    expect(outcome).toMatchObject({ ok: false, failed: expect.stringMatching(message) })
    const failed = await waitFor('AiFailed', async () => ada.events.find((e) => e.type === 'AiFailed'))
    expect(String(failed.data!.error)).toMatch(message)
    // Neither the configured token nor the one this case sent shows up in what the room is told.
    for (const token of [env.OPENAI_API_TOKEN, 'OPENAI_API_TOKEN' in override ? override.OPENAI_API_TOKEN : ''])
      if (token) expect(String(failed.data!.error)).not.toContain(token)
    expect(await roomAi(room)).toMatchObject({ status: 'failed', error: expect.stringMatching(message) })
    // Without a token nothing is made; otherwise the Calls session was made first, and has no open
    // track left at the SFU.
    const sessionId = 'sessionId' in outcome ? outcome.sessionId : undefined
    if (label === 'there is no token' || label === 'the endpoint has a query string') expect(sessionId).toBeUndefined()
    else {
      expect(sessionId).toEqual(expect.any(String))
      expect(await allClosed(sessionId!)).toBe(true)
    }
  })

  // OpenAI made the call (201, `Location`) and something after failed: the call is hung up
  // (https://developers.openai.com/api/docs/api-reference/realtime-calls/hangup-call: the call id
  // is the one returned in the Location header), and the Calls session is closed.
  it.each([
    ['Calls refuses the AI’s answer', 'unusable-sdp', /Calls refused to take the AI answer/],
    ['the answer is not SDP', 'bad-sdp', /not an SDP answer/],
  ])('hangs up the OpenAI call and closes the Calls session when %s', async (_label, prefix, message) => {
    const room = randomRoom()
    const ada = await joinMeeting(room, 'Ada')
    const before = (await peerCalls()).length
    const failing = { ...env, OPENAI_MODEL_ENDPOINT: `${peer()}/${prefix}/v1/realtime/calls` }
    const outcome = await inviteAi(failing, room, { user: ada.id }, ada.key)
    expect(outcome).toMatchObject({ ok: false, failed: expect.any(String), sessionId: expect.any(String) })
    const failed = await waitFor('AiFailed', async () => ada.events.find((e) => e.type === 'AiFailed'))
    expect(String(failed.data!.error)).toMatch(message)
    expect(await roomAi(room)).toMatchObject({ status: 'failed' })
    const made = (await peerCalls()).slice(before)
    expect(made).toHaveLength(1)
    expect(made[0]).toMatchObject({ hungUp: true, closed: true })
    expect(await allClosed((outcome as { sessionId: string }).sessionId)).toBe(true)
  })

  it('answers the browser with a 502 problem naming the cause', async () => {
    const room = randomRoom()
    const ada = await joinMeeting(room, 'Ada')
    const mode = (m: string) => fetch(`${peer()}/test/mode`, { method: 'POST', body: JSON.stringify({ mode: m }) })
    await mode('500')
    try {
      const res = await post(ada, '', { instructions: 'x' })
      expect(res.status).toBe(502)
      expect(await res.json()).toMatchObject({ status: 502, detail: expect.stringMatching(/answered 500/) })
    } finally {
      await mode('ok')
    }
    expect(await roomAi(room)).toMatchObject({ status: 'failed', error: expect.stringMatching(/answered 500/) })
  })
})
