import type { LoggedEvent, RoomEvent, RoomState } from '@tangerine/contracts'
import { asc, desc, gt, lt } from 'drizzle-orm'
import { drizzle, type DrizzleSqliteDODatabase } from 'drizzle-orm/durable-sqlite'
import { migrate } from 'drizzle-orm/durable-sqlite/migrator'
import migrations from '../../drizzle/room/migrations.js'
import { events, snapshots } from '../db/schema.ts'
import { evolve, initialState } from './evolve.ts'
import { shouldSnapshot } from './snapshot.ts'

type Db = DrizzleSqliteDODatabase<Record<string, never>>

const toLogged = (row: typeof events.$inferSelect): LoggedEvent =>
  ({ seq: row.seq, type: row.type, data: row.data, metadata: row.metadata }) as LoggedEvent

/**
 * The room's event log in the Durable Object's SQLite, with disposable snapshots.
 * Appends and the snapshot they trigger commit in one storage transaction.
 */
export class EventStore {
  readonly #db: Db
  readonly #storage: DurableObjectStorage

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage
    this.#db = drizzle(storage)
  }

  migrate(): Promise<void> {
    return migrate(this.#db, migrations)
  }

  /** The latest snapshot plus every event after it. */
  load(): { state: RoomState; seq: number } {
    const snapshot = this.#db.select().from(snapshots).orderBy(desc(snapshots.seq)).limit(1).get()
    let state = (snapshot?.state as RoomState | undefined) ?? initialState()
    let seq = snapshot?.seq ?? 0
    for (const row of this.#db.select().from(events).where(gt(events.seq, seq)).orderBy(asc(events.seq)).all()) {
      const event = toLogged(row)
      state = evolve(state, event)
      seq = event.seq
    }
    return { state, seq }
  }

  /** Appends events after `seq`, folding them into `state`; snapshots when a boundary is crossed. */
  append(state: RoomState, seq: number, fresh: RoomEvent[]): { state: RoomState; seq: number; logged: LoggedEvent[] } {
    return this.#storage.transactionSync(() => {
      const logged: LoggedEvent[] = []
      let next = state
      let at = seq
      for (const event of fresh) {
        at += 1
        const entry = { ...event, seq: at } as LoggedEvent
        this.#db
          .insert(events)
          .values({ seq: at, type: event.type, data: event.data, metadata: event.metadata, actor: event.metadata.actor, at: event.metadata.at })
          .run()
        next = evolve(next, entry)
        logged.push(entry)
      }
      if (shouldSnapshot(seq, at)) this.#db.insert(snapshots).values({ seq: at, state: next }).run()
      return { state: next, seq: at, logged }
    })
  }

  /** Events after `after`, oldest first, at most `limit`. */
  after(after: number, limit = 1000): LoggedEvent[] {
    return this.#db.select().from(events).where(gt(events.seq, after)).orderBy(asc(events.seq)).limit(limit).all().map(toLogged)
  }

  /** Events before `before` (exclusive), newest first: the ops view pages backwards from the end. */
  before(before: number, limit: number): LoggedEvent[] {
    return this.#db
      .select()
      .from(events)
      .where(lt(events.seq, before))
      .orderBy(desc(events.seq))
      .limit(limit)
      .all()
      .map(toLogged)
  }

  dropSnapshots(): void {
    this.#db.delete(snapshots).run()
  }
}
