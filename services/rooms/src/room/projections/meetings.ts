import type { LoggedEvent, RoomState } from '@tangerine/contracts'
import { log } from '@tangerine/contracts/log'
import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { meetingParticipants, meetings } from '../../db/meetings-schema.ts'

/**
 * Meeting records and who joined them in D1, derived from the log. Idempotent (upserts keyed by meeting id), so a
 * replay of the same events writes the same rows; a failure is logged, and the log still holds
 * everything needed to rebuild them.
 */
export async function projectMeetings(d1: D1Database, room: string, logged: LoggedEvent[], state: RoomState) {
  const relevant = logged.filter(
    (e) => e.type === 'MeetingStarted' || e.type === 'MeetingEnded' || e.type === 'UserUpdated',
  )
  if (relevant.length === 0) return
  const db = drizzle(d1)
  try {
    for (const event of relevant) {
      if (event.type === 'MeetingStarted') {
        await db
          .insert(meetings)
          .values({ id: event.data.meetingId, room, startedAt: event.metadata.at, peakUserCount: state.peakUserCount })
          .onConflictDoNothing()
          .run()
      } else if (event.type === 'MeetingEnded') {
        await db
          .update(meetings)
          .set({ endedAt: event.metadata.at, peakUserCount: event.data.peakUserCount })
          .where(eq(meetings.id, event.data.meetingId))
          .run()
      } else if (state.meetingId && event.data.patch.joined) {
        await db
          .update(meetings)
          .set({ peakUserCount: state.peakUserCount })
          .where(eq(meetings.id, state.meetingId))
          .run()
        // Who was in the meeting: the after-call question takes answers from them only.
        await db
          .insert(meetingParticipants)
          .values({ meetingId: state.meetingId, userId: event.data.userId, joinedAt: event.metadata.at })
          .onConflictDoNothing()
          .run()
      }
    }
  } catch (err) {
    log('error', 'meeting projection failed', { room, error: String(err) })
  }
}
