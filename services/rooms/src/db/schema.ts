import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/** The room's log: append-only, one row per event, `seq` is its unique stream position. */
export const events = sqliteTable('events', {
  seq: integer('seq').primaryKey(),
  type: text('type').notNull(),
  data: text('data', { mode: 'json' }).notNull(),
  metadata: text('metadata', { mode: 'json' }).notNull(),
  /** Who caused it, denormalised from metadata for the ops view's filters. */
  actor: text('actor').notNull(),
  at: text('at').notNull(),
})

/** Disposable: the fold of the log up to `seq`. Deleting every row must give the same state. */
export const snapshots = sqliteTable('snapshots', {
  seq: integer('seq').primaryKey(),
  state: text('state', { mode: 'json' }).notNull(),
})
