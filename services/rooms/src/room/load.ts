import { LoggedEvent, RoomState } from '@tangerine/contracts'
import { log } from '@tangerine/contracts/log'
import type { DrizzleSqliteDODatabase } from 'drizzle-orm/durable-sqlite'
import { quarantine } from '../db/schema.ts'
import { evolve, initialState } from '@tangerine/room-model'
import { SNAPSHOT_VERSION } from './snapshot.ts'

type Db = DrizzleSqliteDODatabase<Record<string, never>>

/** An `events` row as SQLite has it: read raw, because a row that is not JSON must not stop the read. */
export type RawEvent = {
  seq: number
  type: SqlStorageValue
  data: SqlStorageValue
  metadata: SqlStorageValue
  actor: SqlStorageValue
  at: SqlStorageValue
}

export const RAW_EVENT_COLUMNS = 'seq, type, data, metadata, actor, at'

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err))

/** A row as the event it must be (the contracts' LoggedEvent), or why it is not one. */
export function readRow(row: RawEvent): { event: LoggedEvent } | { error: string } {
  let data: unknown
  let metadata: unknown
  try {
    data = JSON.parse(String(row.data))
    metadata = JSON.parse(String(row.metadata))
  } catch (err) {
    return { error: `not JSON: ${reason(err)}` }
  }
  const parsed = LoggedEvent.safeParse({ seq: row.seq, type: row.type, data, metadata })
  if (parsed.success) return { event: parsed.data as LoggedEvent }
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'event'}: ${i.message}`)
  return { error: `not a valid event: ${issues.join('; ')}` }
}

/** The runs of seqs in [from, to] that are not in `known` (ascending): what is really missing. */
function missingRuns(from: number, to: number, known: readonly number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = []
  let start = from
  for (const k of known) {
    if (k < start || k > to) continue
    if (k > start) runs.push([start, k - 1])
    start = k + 1
  }
  if (start <= to) runs.push([start, to])
  return runs
}

/**
 * Loads a room from its SQLite: the newest snapshot of this SNAPSHOT_VERSION that is a valid
 * RoomState (invalid ones are skipped and logged; other versions are passed over), then every later
 * row that is a valid event, folded in order. A row that is not (bad JSON, unknown type, wrong
 * shape, or one `evolve` throws on) is moved to `quarantine` with its error and content, so one bad
 * row cannot keep the room from loading. A hole in `seq` that
 * no quarantined row explains is recorded there too: an event that was written is gone.
 * Both are logged as one structured line each.
 */
export function loadLog(storage: DurableObjectStorage, db: Db, room: string): { state: RoomState; seq: number } {
  const sql = storage.sql
  let state = initialState()
  let from = 0
  // Newest first, one at a time: the usual load reads one snapshot, not the list of all of them.
  for (let below = Number.MAX_SAFE_INTEGER; ;) {
    const snapshot = sql
      .exec<{ seq: number; state: SqlStorageValue }>(
        'SELECT seq, state FROM snapshots WHERE seq < ? AND version = ? ORDER BY seq DESC LIMIT 1',
        below,
        SNAPSHOT_VERSION,
      )
      .toArray()[0]
    if (!snapshot) break
    const { seq, state: raw } = snapshot
    below = seq
    let error: string
    try {
      const parsed = RoomState.safeParse(JSON.parse(String(raw)))
      if (parsed.success) {
        state = parsed.data
        from = seq
        break
      }
      error = parsed.error.issues[0]
        ? `${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`
        : 'invalid'
    } catch (err) {
      error = `not JSON: ${reason(err)}`
    }
    log('error', 'room snapshot skipped', { room, seq, error })
  }

  const known = sql
    .exec<{ seq: number }>(`SELECT seq FROM quarantine WHERE kind = 'invalid_event' AND seq > ? ORDER BY seq`, from)
    .toArray()
    .map((r) => r.seq)
  const now = new Date().toISOString()
  let seq = from
  let expected = from + 1
  for (const row of sql
    .exec<RawEvent>(`SELECT ${RAW_EVENT_COLUMNS} FROM events WHERE seq > ? ORDER BY seq`, from)
    .toArray()) {
    for (const [first, last] of missingRuns(expected, row.seq - 1, known)) {
      const error = `events ${first}${last > first ? `–${last}` : ''} missing: the log goes from ${first - 1} to ${row.seq}`
      const added = db
        .insert(quarantine)
        .values({ seq: first, kind: 'seq_gap', error, content: null, at: now })
        .onConflictDoNothing()
        .returning({ id: quarantine.id })
        .all()
      // Logged when found, not again on every later load.
      if (added.length > 0) log('error', 'room log gap', { room, seq: first, error })
    }
    expected = row.seq + 1
    seq = row.seq
    const read = readRow(row)
    let error: string
    if ('event' in read) {
      try {
        state = evolve(state, read.event)
        continue
      } catch (err) {
        error = `evolve failed: ${reason(err)}`
      }
    } else {
      error = read.error
    }
    storage.transactionSync(() => {
      db.insert(quarantine)
        .values({ seq: row.seq, kind: 'invalid_event', error, content: JSON.stringify(row), at: now })
        .onConflictDoNothing()
        .run()
      sql.exec('DELETE FROM events WHERE seq = ?', row.seq)
    })
    log('error', 'room event quarantined', { room, seq: row.seq, error })
  }
  // A quarantined row's seq stays used: the next event must not take the place of one that was written.
  const lastQuarantined =
    sql.exec<{ seq: number | null }>(`SELECT max(seq) AS seq FROM quarantine WHERE kind = 'invalid_event'`).one().seq ??
    0
  return { state, seq: Math.max(seq, lastQuarantined) }
}
