import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

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
  /** The RoomState shape it holds (SNAPSHOT_VERSION): one of another version is passed over on load. */
  version: integer('version').notNull().default(1),
})

/**
 * What loading the log set aside: a row that is not a valid event (moved here out of `events`,
 * as it was, so the room still loads) or a gap in `seq` (nothing to move; reported once).
 */
export const quarantine = sqliteTable(
  'quarantine',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The bad row's seq; for a gap, the first missing one. */
    seq: integer('seq').notNull(),
    kind: text('kind', { enum: ['invalid_event', 'seq_gap'] }).notNull(),
    error: text('error').notNull(),
    /** The row exactly as it was stored (its columns as JSON); null for a gap. */
    content: text('content'),
    at: text('at').notNull(),
  },
  (t) => [uniqueIndex('quarantine_kind_seq').on(t.kind, t.seq)],
)
