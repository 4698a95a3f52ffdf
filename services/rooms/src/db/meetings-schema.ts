import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/** D1: one row per meeting, a projection of the rooms' MeetingStarted/UserUpdated/MeetingEnded events. */
export const meetings = sqliteTable('meetings', {
  id: text('id').primaryKey(),
  room: text('room').notNull(),
  startedAt: text('started_at').notNull(),
  endedAt: text('ended_at'),
  peakUserCount: integer('peak_user_count').notNull().default(0),
})
