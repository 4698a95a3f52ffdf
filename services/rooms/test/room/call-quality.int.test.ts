import { CallQualitySummary, encodeIdentity, IDENTITY_HEADER, ProblemDetails } from '@tangerine/contracts'
import { env, exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { identityHeaders, keyOf, newUserId } from '../../../../scripts/test-support/people.ts'
import { connect, isEvent, isState, randomRoom } from '../helpers/socket.ts'

/** The headers the gateway sends for the owner of `userId` (its key), or for someone else. */
const as = (userId: string, name = 'Ada') => identityHeaders({ name, key: keyOf(userId) })

function answer(
  room: string,
  body: { userId?: string } & Record<string, unknown>,
  headers: Record<string, string> = as(String(body.userId)),
) {
  return exports.default.fetch(
    new Request(`http://rooms.internal/rooms/${room}/quality`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }),
  )
}

async function summary(room: string) {
  return CallQualitySummary.parse(
    await (await exports.default.fetch(`http://rooms.internal/rooms/${room}/quality`)).json(),
  )
}

/** Joins the meeting with a fresh socket (a tab); `id` reuses a person's key with a new tab part. */
async function join(room: string, name: string, id?: string) {
  const person = await connect(room, name, id ? { id } : {})
  await person.next(isState)
  person.send({ type: 'userUpdate', user: { joined: true } })
  await person.next(isEvent('UserUpdated', (d) => d.userId === person.id))
  return person
}

/** A room whose meeting Ada joined (and Bob only waited in the lobby of), then ended. */
async function endedMeeting() {
  const room = randomRoom()
  const ada = await join(room, 'Ada')
  const bob = await connect(room, 'Bob')
  await bob.next(isState)
  const { state } = await env.ROOM.getByName(room).getState()
  bob.send({ type: 'userLeft' })
  ada.send({ type: 'userLeft' })
  await Promise.all([ada.closed, bob.closed])
  return { room, meetingId: state.meetingId!, userId: ada.id, lobbyOnly: bob.id }
}

const problemOf = async (res: Response) => ProblemDetails.parse(await res.json())

describe('the after-call question', () => {
  it('keeps one answer per person and meeting in D1; a second answer replaces the first', async () => {
    const { room, meetingId, userId } = await endedMeeting()
    expect(await summary(room)).toEqual({ room, answers: 0, averageRating: null, distribution: [0, 0, 0, 0, 0] })

    expect((await answer(room, { meetingId, userId, rating: 2, comment: '  choppy audio ' })).status).toBe(204)
    const row = await env.DB.prepare(
      'SELECT room, rating, comment FROM call_quality WHERE meeting_id = ? AND user_id = ?',
    )
      .bind(meetingId, userId)
      .first()
    expect(row).toEqual({ room, rating: 2, comment: 'choppy audio' })

    expect((await answer(room, { meetingId, userId, rating: 5 })).status).toBe(204)
    expect(await summary(room)).toEqual({ room, answers: 1, averageRating: 5, distribution: [0, 0, 0, 0, 1] })
  })

  it('counts a person once across their tabs (one user key, several user ids)', async () => {
    const room = randomRoom()
    const first = await join(room, 'Ada')
    const second = await join(room, 'Ada', `${keyOf(first.id)}${newUserId().slice(16)}`)
    const { state } = await env.ROOM.getByName(room).getState()
    expect((await answer(room, { meetingId: state.meetingId!, userId: first.id, rating: 1 })).status).toBe(204)
    expect((await answer(room, { meetingId: state.meetingId!, userId: second.id, rating: 4 })).status).toBe(204)
    expect(await summary(room)).toEqual({ room, answers: 1, averageRating: 4, distribution: [0, 0, 0, 1, 0] })
  })

  it('refuses another person’s user id, made-up ids and people who never joined that meeting, storing nothing', async () => {
    const { room, meetingId, userId, lobbyOnly } = await endedMeeting()
    // Mallory, with her own key, names Ada's id (visible in the room's state).
    const forged = await answer(room, { meetingId, userId, rating: 1 }, as(newUserId(), 'Mallory'))
    expect(forged.status).toBe(403)
    expect((await problemOf(forged)).title).toBe('Not your user id')
    // Her own key with a made-up tab: an id of hers, but not one that was in the meeting.
    const madeUp = await answer(room, { meetingId, userId: `${keyOf(newUserId())}made-up`, rating: 1 })
    expect(madeUp.status).toBe(403)
    expect((await problemOf(madeUp)).title).toBe('Not in that meeting')
    // Bob was in the room's lobby but never joined the meeting.
    const lobby = await answer(room, { meetingId, userId: lobbyOnly, rating: 1 })
    expect(lobby.status).toBe(403)
    expect((await problemOf(lobby)).detail).toContain(meetingId)
    // A key-less identity owns no id at all.
    const keyless = { [IDENTITY_HEADER]: encodeIdentity({ name: 'Ada', source: 'session' }) }
    expect((await answer(room, { meetingId, userId, rating: 1 }, keyless)).status).toBe(403)
    expect((await summary(room)).answers).toBe(0)
    expect(
      await env.DB.prepare('SELECT count(*) AS n FROM call_quality WHERE meeting_id = ?').bind(meetingId).first('n'),
    ).toBe(0)
  })

  it('refuses a bad answer, an unknown meeting, another room’s meeting and no identity, storing nothing', async () => {
    const { room, meetingId, userId } = await endedMeeting()
    for (const bad of [
      { meetingId, userId, rating: 6 },
      { meetingId, userId, rating: 0 },
      { meetingId, userId, rating: 3, extra: 1 },
      { meetingId, rating: 3 },
      { meetingId, userId, rating: 3, comment: 'x'.repeat(1001) },
    ]) {
      const res = await answer(room, bad, as(userId))
      expect(res.status).toBe(400)
      expect((await problemOf(res)).errors?.length).toBeGreaterThan(0)
    }
    const unknown = await answer(room, { meetingId: 'nope', userId, rating: 3 })
    expect(unknown.status).toBe(404)
    expect((await problemOf(unknown)).detail).toContain('nope')
    expect((await answer(randomRoom(), { meetingId, userId, rating: 3 })).status).toBe(404)
    expect((await answer(room, { meetingId, userId, rating: 3 }, {})).status).toBe(401)
    expect((await summary(room)).answers).toBe(0)
  })
})
