import { sqliteTable, text } from 'drizzle-orm/sqlite-core'

/**
 * The `TurnKeys` Durable Object: the TURN keys this deployment made, each secret sealed
 * (secret-box.ts). Column names and order are those the table had when the object made it with
 * raw SQL, so keys made before the migrations stay.
 */
export const turnKeys = sqliteTable('turn_keys', {
  uid: text('uid').primaryKey(),
  name: text('name').notNull(),
  sealed: text('sealed').notNull(),
  created: text('created').notNull(),
  /** `active` mints credentials; `retiring` keeps working until `retire_at`, then is deleted. */
  state: text('state', { enum: ['active', 'retiring'] }).notNull(),
  retireAt: text('retire_at'),
})
