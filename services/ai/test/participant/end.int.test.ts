import type { RoomState } from '@tangerine/contracts'
import { CallsApiError } from '@tangerine/contracts/calls/client'
import { env, exports } from 'cloudflare:workers'
import { describe, expect, inject, it } from 'vitest'
import { identityHeaders } from '../../../../scripts/test-support/people.ts'
import { joinMeeting, sfu, waitFor, type Person } from '../support/meeting.ts'

/*
 * The AI leaves nothing running: dismissed, or left alone in an emptied meeting, its third-party
 * Calls session is closed at the SFU and its OpenAI call hung up at the Realtime peer. The real
 * media and rooms Workers, the local SFU and the local Realtime peer, all over loopback.
 */

type PeerCall = { id: string; connectionState: string; closed: boolean; hungUp: boolean }
const peerCalls = async () =>
  ((await (await fetch(`${inject('openaiPeer').url}/test/calls`)).json()) as { calls: PeerCall[] }).calls
const randomRoom = () => `ai-end-${crypto.randomUUID().slice(0, 8)}`

const post = (as: Person, path: string, body: Record<string, unknown> = {}) =>
  exports.default.fetch(
    new Request(`http://ai.internal/rooms/${as.room}/ai${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...identityHeaders(as) },
      body: JSON.stringify({ user: as.id, ...body }),
    }),
  )

const roomAi = async (room: string) =>
  ((await (await env.ROOMS.fetch(`http://rooms.internal/rooms/${room}`)).json()) as { state: RoomState }).state.ai

/** Invites the AI and waits until its call is up; returns its Calls session and the peer's call. */
async function inviteAndConnect(as: Person) {
  const before = (await peerCalls()).length
  const res = await post(as, '')
  expect(res.status).toBe(201)
  const { sessionId } = (await res.json()) as { sessionId: string }
  const callId = (await peerCalls())[before]!.id
  await waitFor(
    'the AI call connected',
    async () => (await peerCalls()).find((c) => c.id === callId)?.connectionState === 'connected',
  )
  return { sessionId, callId }
}

/** The SFU's answer for the session: closed sessions answer 410 `session_error`. */
const sessionGone = async (sessionId: string) =>
  sfu()
    .getSession(sessionId)
    .then(() => false)
    .catch((err: unknown) => err instanceof CallsApiError && err.status === 410 && err.errorCode === 'session_error')

describe('ending the AI', () => {
  it('dismiss hangs up the OpenAI call and closes the AI’s Calls session', async () => {
    const room = randomRoom()
    const ada = await joinMeeting(room, 'Ada')
    const { sessionId, callId } = await inviteAndConnect(ada)

    const res = await post(ada, '/dismiss')
    expect(res.status).toBe(200)
    // Hung up before the answer came back, with its peer connection closed.
    expect((await peerCalls()).find((c) => c.id === callId)).toMatchObject({ hungUp: true, closed: true })
    await waitFor('the SFU closed the AI session', () => sessionGone(sessionId))
    expect(await roomAi(room)).toEqual({ status: 'absent' })
  })

  it('the last person leaving ends the AI: disabled in the room, call hung up, session closed; it can be invited again', async () => {
    const room = randomRoom()
    const ada = await joinMeeting(room, 'Ada')
    const bob = await joinMeeting(room, 'Bob')
    const { sessionId, callId } = await inviteAndConnect(ada)

    ada.ws.send(JSON.stringify({ type: 'userLeft' }))
    await waitFor('Ada left', async () => bob.events.some((e) => e.type === 'UserDisconnected'))
    // Someone is still in the meeting: the AI stays.
    expect(await roomAi(room)).toMatchObject({ status: 'joined', sessionId })
    expect((await peerCalls()).find((c) => c.id === callId)!.hungUp).toBe(false)

    bob.ws.send(JSON.stringify({ type: 'userLeft' }))
    await waitFor('the room ended the AI', async () => (await roomAi(room)).status !== 'joined')
    expect(await roomAi(room)).toEqual({ status: 'absent' })
    await waitFor('the peer saw the hang-up', async () => (await peerCalls()).find((c) => c.id === callId)?.hungUp)
    expect((await peerCalls()).find((c) => c.id === callId)!.closed).toBe(true)
    await waitFor('the SFU closed the AI session', () => sessionGone(sessionId))

    // A new meeting in the same room may invite the AI again.
    const cy = await joinMeeting(room, 'Cy')
    const again = await inviteAndConnect(cy)
    expect(await roomAi(room)).toMatchObject({ status: 'joined', sessionId: again.sessionId })
  })
})
