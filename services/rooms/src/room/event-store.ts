import type { LoggedEvent, QuarantineEntry, RoomEvent, RoomHealth, RoomState } from '@tangerine/contracts'
import { count, desc, lt } from 'drizzle-orm'
import { drizzle, type DrizzleSqliteDODatabase } from 'drizzle-orm/durable-sqlite'
import { migrate } from 'drizzle-orm/durable-sqlite/migrator'
import migrations from '../../drizzle/room/migrations.js'
import { events, quarantine, snapshots } from '../db/schema.ts'
import { evolve } from '@tangerine/room-model'
import { loadLog, RAW_EVENT_COLUMNS, readRow, type RawEvent } from './load.ts'
import { shouldSnapshot, SNAPSHOT_VERSION } from './snapshot.ts'

type Db = DrizzleSqliteDODatabase<Record<string, never>>

/** How many quarantine entries the room's health carries; the rest are paged from `quarantined`. */
const HEALTH_LATEST = 5

/** Rows read for a client or the ops view: a row that is not a valid event is left out, never sent. */
const validEvents = (rows: RawEvent[]): LoggedEvent[] =>
  rows.flatMap((row) => {
    const read = readRow(row)
    return 'event' in read ? [read.event] : []
  })

/**
 * The room's event log in the Durable Object's SQLite, with disposable snapshots.
 * Appends and the snapshot they trigger commit in one storage transaction.
 */
export class EventStore {
  readonly #db: Db
  readonly #storage: DurableObjectStorage

  readonly #room: string

  /** `room` names the room in log lines. */
  constructor(storage: DurableObjectStorage, room = 'unknown') {
    this.#storage = storage
    this.#db = drizzle(storage)
    this.#room = room
  }

  migrate(): Promise<void> {
    return migrate(this.#db, migrations)
  }

  /** The latest valid snapshot plus every valid event after it; see `loadLog` for what is set aside. */
  load(): { state: RoomState; seq: number } {
    return loadLog(this.#storage, this.#db, this.#room)
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
          .values({
            seq: at,
            type: event.type,
            data: event.data,
            metadata: event.metadata,
            actor: event.metadata.actor,
            at: event.metadata.at,
          })
          .run()
        next = evolve(next, entry)
        logged.push(entry)
      }
      if (shouldSnapshot(seq, at))
        this.#db.insert(snapshots).values({ seq: at, state: next, version: SNAPSHOT_VERSION }).run()
      return { state: next, seq: at, logged }
    })
  }

  /** Events after `after`, oldest first, at most `limit`. */
  after(after: number, limit = 1000): LoggedEvent[] {
    const sql = `SELECT ${RAW_EVENT_COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`
    return validEvents(this.#storage.sql.exec<RawEvent>(sql, after, limit).toArray())
  }

  /** Events before `before` (exclusive), newest first: the ops view pages backwards from the end. */
  before(before: number, limit: number): LoggedEvent[] {
    const sql = `SELECT ${RAW_EVENT_COLUMNS} FROM events WHERE seq < ? ORDER BY seq DESC LIMIT ?`
    return validEvents(this.#storage.sql.exec<RawEvent>(sql, before, limit).toArray())
  }

  /** What loading set aside so far: for the ops view. */
  health(): RoomHealth {
    const counts = this.#db
      .select({ kind: quarantine.kind, n: count() })
      .from(quarantine)
      .groupBy(quarantine.kind)
      .all()
    const of = (kind: QuarantineEntry['kind']) => counts.find((c) => c.kind === kind)?.n ?? 0
    return { quarantined: of('invalid_event'), gaps: of('seq_gap'), latest: this.quarantined(undefined, HEALTH_LATEST) }
  }

  /** Quarantine entries, newest first, before id `before` (exclusive). */
  quarantined(before: number | undefined, limit: number): QuarantineEntry[] {
    const query = this.#db.select().from(quarantine)
    return (before === undefined ? query : query.where(lt(quarantine.id, before)))
      .orderBy(desc(quarantine.id))
      .limit(limit)
      .all()
  }
}
