import type { QuarantineEntry } from '@tangerine/contracts'
import type { OpsEventsPage, OpsEventsQuery, OpsStateAt } from '@tangerine/contracts/ops/api'
import { evolve, initialState } from '@tangerine/room-model'
import { RAW_EVENT_COLUMNS, readRow, type RawEvent } from './load.ts'

/*
 * The operators' reading of a room's log: pages filtered by type and user, and the state at any
 * seq, folded with the same `evolve` the room and the browsers use. Read straight from SQLite.
 */

type QuarantineRow = Omit<QuarantineEntry, 'content'> & { content: string | null }

/** A page of the log, newest first, before `before`; quarantined rows of the page's seq range beside it. */
export function opsEventsPage(storage: DurableObjectStorage, latest: number, query: OpsEventsQuery): OpsEventsPage {
  const before = query.before ?? latest + 1
  const where = ['seq < ?']
  const args: SqlStorageValue[] = [before]
  if (query.type) {
    where.push(`type IN (${query.type.map(() => '?').join(', ')})`)
    args.push(...query.type)
  }
  if (query.user) {
    // Who did it, or whom it is about: a join, a mute, a removal name the user in `data.userId`.
    where.push(`(actor = ? OR json_extract(data, '$.userId') = ?)`)
    args.push(`user:${query.user}`, query.user)
  }
  const sql = `SELECT ${RAW_EVENT_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`
  const rows = storage.sql.exec<RawEvent>(sql, ...args, query.limit).toArray()
  const events = rows.flatMap((row) => {
    const read = readRow(row)
    return 'event' in read ? [read.event] : []
  })
  const full = rows.length === query.limit
  const from = full ? rows.at(-1)!.seq : 0
  const quarantined = storage.sql
    .exec<QuarantineRow>(
      'SELECT id, seq, kind, error, content, at FROM quarantine WHERE seq >= ? AND seq < ? ORDER BY seq DESC, id DESC',
      from,
      before,
    )
    .toArray()
  const next = full && from > 1 ? from : undefined
  return { events, seq: latest, ...(next ? { next } : {}), quarantined }
}

/** The room as it was at `seq`: every valid event up to it folded from the start; the rest listed as skipped. */
export function stateAt(storage: DurableObjectStorage, latest: number, seq: number): OpsStateAt {
  const target = Math.min(seq, latest)
  let state = initialState()
  const skipped: number[] = []
  let expected = 1
  const rows = storage.sql.exec<RawEvent>(`SELECT ${RAW_EVENT_COLUMNS} FROM events WHERE seq <= ? ORDER BY seq`, target)
  for (const row of rows) {
    for (; expected < row.seq; expected++) skipped.push(expected)
    expected = row.seq + 1
    const read = readRow(row)
    if (!('event' in read)) {
      skipped.push(row.seq)
      continue
    }
    try {
      state = evolve(state, read.event)
    } catch {
      // As loading does: an event evolve refuses is left out, not fatal.
      skipped.push(row.seq)
    }
  }
  for (; expected <= target; expected++) skipped.push(expected)
  return { seq: target, latest, state, skipped }
}
