import type { MeetingsHistory, RoomsOverview } from '@tangerine/contracts/ops/api'

/*
 * Aggregates over the D1 meetings projection for the ops views. Times are ISO strings (UTC, `Z`),
 * so they compare as text and their first ten characters are the UTC date.
 */

const DAY_MS = 86_400_000
const LENGTH_WINDOW_DAYS = 30

/** Duration buckets of the history chart, in minutes; the last is open-ended. */
export const DURATION_BUCKETS: ReadonlyArray<[number, number | null]> = [
  [0, 5],
  [5, 15],
  [15, 30],
  [30, 60],
  [60, 120],
  [120, null],
]

const utcMidnight = (now: number) => Math.floor(now / DAY_MS) * DAY_MS
const iso = (ms: number) => new Date(ms).toISOString()
// Rounded: julianday's floating point makes five minutes 299.99… seconds, which is not under 300.
const SECONDS = `round((julianday(ended_at) - julianday(started_at)) * 86400.0)`

/** The value below which `q` of the sorted values lie (nearest rank). */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

/** Meetings today and the length of meetings ended in the last 30 days; live numbers come from the registry. */
export async function meetingTotals(
  db: D1Database,
  now = Date.now(),
): Promise<Omit<RoomsOverview, 'roomsLive' | 'peopleInMeetings'>> {
  const [today, lengths] = await db.batch<{ n?: number; s?: number }>([
    db.prepare('SELECT count(*) AS n FROM meetings WHERE started_at >= ?').bind(iso(utcMidnight(now))),
    db
      .prepare(`SELECT ${SECONDS} AS s FROM meetings WHERE ended_at IS NOT NULL AND ended_at >= ? ORDER BY s`)
      .bind(iso(now - LENGTH_WINDOW_DAYS * DAY_MS)),
  ])
  const seconds = lengths!.results.map((r) => Math.round(r.s!))
  return {
    meetingsToday: today!.results[0]?.n ?? 0,
    meetingLength: {
      meetings: seconds.length,
      medianSeconds: percentile(seconds, 0.5),
      p95Seconds: percentile(seconds, 0.95),
    },
  }
}

/** Meetings per day, their peaks, lengths and call-quality ratings over the last `days` UTC days (today included). */
export async function meetingsHistory(db: D1Database, days: number, now = Date.now()): Promise<MeetingsHistory> {
  const from = utcMidnight(now) - (days - 1) * DAY_MS
  const since = iso(from)
  const bucketCase = DURATION_BUCKETS.map(([, hi], i) =>
    hi === null ? `ELSE ${i}` : `WHEN ${SECONDS} < ${hi * 60} THEN ${i}`,
  ).join(' ')
  const [perDay, durations, ratings] = await db.batch<{ d?: string; n: number; peak?: number; b?: number; r?: number }>(
    [
      db
        .prepare(
          'SELECT substr(started_at, 1, 10) AS d, count(*) AS n, max(peak_user_count) AS peak FROM meetings WHERE started_at >= ? GROUP BY d',
        )
        .bind(since),
      db
        .prepare(
          `SELECT CASE ${bucketCase} END AS b, count(*) AS n FROM meetings WHERE ended_at IS NOT NULL AND started_at >= ? GROUP BY b`,
        )
        .bind(since),
      db.prepare('SELECT rating AS r, count(*) AS n FROM call_quality WHERE answered_at >= ? GROUP BY r').bind(since),
    ],
  )
  const byDay = new Map(perDay!.results.map((r) => [r.d!, r]))
  const distribution = [0, 0, 0, 0, 0]
  for (const r of ratings!.results) if (r.r! >= 1 && r.r! <= 5) distribution[r.r! - 1] = r.n
  const answers = distribution.reduce((a, b) => a + b, 0)
  return {
    from: since,
    to: iso(now),
    perDay: Array.from({ length: days }, (_, i) => {
      const date = iso(from + i * DAY_MS).slice(0, 10)
      const row = byDay.get(date)
      return { date, meetings: row?.n ?? 0, peakParticipants: row?.peak ?? 0 }
    }),
    durations: DURATION_BUCKETS.map(([fromMinutes, toMinutes], i) => ({
      fromMinutes,
      toMinutes,
      count: durations!.results.find((r) => r.b === i)?.n ?? 0,
    })),
    quality: {
      answers,
      averageRating: answers ? distribution.reduce((sum, n, i) => sum + n * (i + 1), 0) / answers : null,
      distribution,
    },
  }
}
