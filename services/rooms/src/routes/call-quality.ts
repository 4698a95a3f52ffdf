import type {
  CallQualitySummary} from '@tangerine/contracts';
import {
  CallQualityAnswer,
  decodeIdentity,
  IDENTITY_HEADER,
  problem,
  problemTypes,
  RoomName,
} from '@tangerine/contracts'
import { validate } from '@tangerine/contracts/http'
import { and, eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { callQuality, meetings } from '../db/meetings-schema.ts'

const RoomParam = z.object({ name: RoomName })

/** The after-call question: answers kept in D1 beside the meeting they are about. */
export const callQualityRoutes = new Hono<AppEnv>()
  .post('/:name/quality', validate('param', RoomParam), validate('json', CallQualityAnswer), async (c) => {
    const identity = decodeIdentity(c.req.header(IDENTITY_HEADER))
    if (!identity)
      return c.json(
        problem(401, 'No identity', { type: problemTypes.unauthorized, detail: 'Join through the lobby first' }),
        401,
      )
    const room = c.req.valid('param').name
    const answer = c.req.valid('json')
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
    const row = { rating: answer.rating, comment: answer.comment || null, answeredAt: new Date().toISOString() }
    await db
      .insert(callQuality)
      .values({ meetingId: answer.meetingId, userId: answer.userId, room, ...row })
      .onConflictDoUpdate({ target: [callQuality.meetingId, callQuality.userId], set: row })
      .run()
    return c.body(null, 204)
  })
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
