import { CallQualitySummary, encodeIdentity, IDENTITY_HEADER, ProblemDetails } from '@tangerine/contracts'
import { env, exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { connect, isEvent, isState, randomRoom } from '../helpers/socket.ts'

const identity = { [IDENTITY_HEADER]: encodeIdentity({ name: 'Ada', source: 'session' }) }

function answer(room: string, body: unknown, headers: Record<string, string> = identity) {
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

/** A room whose meeting has started (and so has its D1 row) and then ended. */
async function endedMeeting() {
  const room = randomRoom()
  const ada = await connect(room, 'Ada')
  await ada.next(isState)
  ada.send({ type: 'userUpdate', user: { joined: true } })
  await ada.next(isEvent('UserUpdated', (d) => d.userId === ada.id))
  const { state } = await env.ROOM.getByName(room).getState()
  ada.send({ type: 'userLeft' })
  await ada.closed
  return { room, meetingId: state.meetingId!, userId: ada.id }
}

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
    expect((await answer(room, { meetingId, userId: 'someone-else', rating: 4 })).status).toBe(204)
    expect(await summary(room)).toEqual({ room, answers: 2, averageRating: 4.5, distribution: [0, 0, 0, 1, 1] })
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
      const res = await answer(room, bad)
      expect(res.status).toBe(400)
      expect(ProblemDetails.parse(await res.json()).errors?.length).toBeGreaterThan(0)
    }
    const unknown = await answer(room, { meetingId: 'nope', userId, rating: 3 })
    expect(unknown.status).toBe(404)
    expect(ProblemDetails.parse(await unknown.json()).detail).toContain('nope')
    expect((await answer(randomRoom(), { meetingId, userId, rating: 3 })).status).toBe(404)
    expect((await answer(room, { meetingId, userId, rating: 3 }, {})).status).toBe(401)
    expect((await summary(room)).answers).toBe(0)
  })
})
