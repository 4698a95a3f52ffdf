import type { CallQualitySummary } from '@tangerine/contracts'
import { CallQualityAnswer, ownsUserId, problem, problemTypes, RoomParam } from '@tangerine/contracts'
import { validate } from '@tangerine/contracts/http'
import { forwardedIdentity } from '@tangerine/contracts/identity-middleware'
import { and, eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { callQuality, meetingParticipants, meetings } from '../db/meetings-schema.ts'

/**
 * The after-call question: answers kept in D1 beside the meeting they are about. Only from the
 * caller's own user id (its key, see `ownsUserId`), only if that user joined the meeting, and one
 * per person (user key) and meeting: a second answer replaces the first.
 */
export const callQualityRoutes = new Hono<AppEnv>()
  .post(
    '/:name/quality',
    validate('param', RoomParam),
    validate('json', CallQualityAnswer),
    forwardedIdentity({ required: true, detail: 'Join through the lobby first' }),
    async (c) => {
      const identity = c.var.identity
      const room = c.req.valid('param').name
      const answer = c.req.valid('json')
      if (!ownsUserId(identity, answer.userId))
        return c.json(
          problem(403, 'Not your user id', {
            type: problemTypes.unauthorized,
            detail: 'Answer as yourself: the user id must start with your user key (see GET /api/session)',
          }),
          403,
        )
      const db = drizzle(c.env.DB)
      const meeting = await db
        .select({ id: meetings.id })
        .from(meetings)
        .where(and(eq(meetings.id, answer.meetingId), eq(meetings.room, room)))
        .get()
      if (!meeting) {
        return c.json(
          problem(404, 'No such meeting', {
            type: problemTypes.notFound,
            detail: `Room ${room} has no meeting ${answer.meetingId}`,
          }),
          404,
        )
      }
      const participant = await db
        .select({ userId: meetingParticipants.userId })
        .from(meetingParticipants)
        .where(and(eq(meetingParticipants.meetingId, answer.meetingId), eq(meetingParticipants.userId, answer.userId)))
        .get()
      if (!participant)
        return c.json(
          problem(403, 'Not in that meeting', {
            type: problemTypes.unauthorized,
            detail: `User ${answer.userId} did not join meeting ${answer.meetingId}`,
          }),
          403,
        )
      // Guests without a key (lobby enforcement off) cannot be told apart beyond their user id.
      const person = identity.key ?? answer.userId
      const row = {
        userId: answer.userId,
        rating: answer.rating,
        comment: answer.comment || null,
        answeredAt: new Date().toISOString(),
      }
      await db
        .insert(callQuality)
        .values({ meetingId: answer.meetingId, person, room, ...row })
        .onConflictDoUpdate({ target: [callQuality.meetingId, callQuality.person], set: row })
        .run()
      return c.body(null, 204)
    },
  )
  /** Read-only, for the ops dashboard. */
  .get('/:name/quality', validate('param', RoomParam), async (c) => {
    const room = c.req.valid('param').name
    const rows = await drizzle(c.env.DB)
      .select({ rating: callQuality.rating, count: sql<number>`count(*)` })
      .from(callQuality)
      .where(eq(callQuality.room, room))
      .groupBy(callQuality.rating)
      .all()
    const distribution = [0, 0, 0, 0, 0]
    for (const { rating, count } of rows) distribution[rating - 1] = count
    const answers = distribution.reduce((a, b) => a + b, 0)
    const total = distribution.reduce((sum, n, i) => sum + n * (i + 1), 0)
    const summary: CallQualitySummary = { room, answers, averageRating: answers ? total / answers : null, distribution }
    return c.json(summary, 200)
  })
