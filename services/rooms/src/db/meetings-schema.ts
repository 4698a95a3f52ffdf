import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/** D1: one row per meeting, a projection of the rooms' MeetingStarted/UserUpdated/MeetingEnded events. */
export const meetings = sqliteTable('meetings', {
  id: text('id').primaryKey(),
  room: text('room').notNull(),
  startedAt: text('started_at').notNull(),
  endedAt: text('ended_at'),
  peakUserCount: integer('peak_user_count').notNull().default(0),
})

/**
 * D1: who joined each meeting (room user ids), projected from `UserUpdated {joined:true}`, so that
 * only people who were in a meeting may answer the after-call question about it.
 */
export const meetingParticipants = sqliteTable(
  'meeting_participants',
  {
    meetingId: text('meeting_id')
      .notNull()
      .references(() => meetings.id),
    userId: text('user_id').notNull(),
    joinedAt: text('joined_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.userId] })],
)

/**
 * D1: the after-call question, one answer per person and meeting (a second answer replaces it).
 * A person is a user key (every tab of theirs shares it); `user_id` is the tab that answered last.
 */
export const callQuality = sqliteTable(
  'call_quality',
  {
    meetingId: text('meeting_id')
      .notNull()
      .references(() => meetings.id),
    person: text('person').notNull(),
    userId: text('user_id').notNull(),
    room: text('room').notNull(),
    rating: integer('rating').notNull(),
    comment: text('comment'),
    answeredAt: text('answered_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.person] }), index('call_quality_room').on(t.room)],
)
