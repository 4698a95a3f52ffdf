import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/*
 * Each room's `RoomMedia` Durable Object. Column names and order are those the tables had when
 * the object made them with raw SQL, so rooms made before the migrations keep their rows.
 */

/** The Calls sessions created in this room, and who created each (a room user id, or the AI). */
export const sessions = sqliteTable('sessions', {
  sessionId: text('session_id').primaryKey(),
  userId: text('user_id').notNull(),
  createdAt: text('created_at').notNull(),
  /** Epoch ms of the session's last call through the proxy: retention counts from it. */
  lastAt: integer('last_at').notNull().default(0),
})

/** Each session's calls through the proxy, for its debug view (one `ProxyHistoryEntry` as JSON). */
export const history = sqliteTable(
  'history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sessionId: text('session_id').notNull(),
    entry: text('entry').notNull(),
  },
  (t) => [index('history_by_session').on(t.sessionId, t.id)],
)

/** The tracks each session published: a pull must name one of these. */
export const tracks = sqliteTable(
  'tracks',
  {
    sessionId: text('session_id').notNull(),
    trackName: text('track_name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.trackName] })],
)
