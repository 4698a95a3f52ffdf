import { MeetingsHistory } from '@tangerine/contracts/ops/api'
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { meetingsHistory, meetingTotals, percentile } from '../../src/ops/meeting-stats.ts'
import { ops } from './support.ts'

/*
 * The D1 aggregates, on rows seeded far from today's (2031), read with the clock set there, so the
 * meetings other tests open now are outside every window.
 */
const NOW = Date.parse('2031-03-10T15:00:00.000Z')
const at = (iso: string) => new Date(Date.parse(iso)).toISOString()

/** Ten meetings: lengths 1…10 minutes on 8 March, one running today, one 40 days back. */
beforeAll(async () => {
  const rows: Array<[string, string, string | null, number]> = []
  for (let i = 1; i <= 10; i++) {
    const start = Date.parse('2031-03-08T10:00:00.000Z') + i * 3_600_000
    rows.push([`m-${i}`, at(new Date(start).toISOString()), new Date(start + i * 60_000).toISOString(), i])
  }
  rows.push(['m-today', '2031-03-10T14:00:00.000Z', null, 3])
  rows.push(['m-old', '2031-01-29T10:00:00.000Z', '2031-01-29T12:30:00.000Z', 7])
  await env.DB.batch(
    rows.map(([id, startedAt, endedAt, peak]) =>
      env.DB.prepare(
        'INSERT OR REPLACE INTO meetings (id, room, started_at, ended_at, peak_user_count) VALUES (?, ?, ?, ?, ?)',
      ).bind(id, 'stats-room', startedAt, endedAt, peak),
    ),
  )
  const answers: Array<[string, number]> = [
    ['m-1', 5],
    ['m-2', 4],
    ['m-3', 4],
    ['m-4', 1],
  ]
  await env.DB.batch(
    answers.map(([meeting, rating], i) =>
      env.DB.prepare(
        'INSERT OR REPLACE INTO call_quality (meeting_id, person, user_id, room, rating, answered_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).bind(meeting, `p${i}`, `u${i}`, 'stats-room', rating, '2031-03-08T20:00:00.000Z'),
    ),
  )
})

describe('meeting statistics from D1', () => {
  it('counts meetings started today and the median and p95 length of those ended in 30 days', async () => {
    expect(await meetingTotals(env.DB, NOW)).toEqual({
      meetingsToday: 1,
      meetingLength: { meetings: 10, medianSeconds: 300, p95Seconds: 600 },
    })
  })

  it('gives meetings and peaks per day, lengths by bucket and the ratings', async () => {
    const history = MeetingsHistory.parse(await meetingsHistory(env.DB, 3, NOW))
    expect(history.perDay).toEqual([
      { date: '2031-03-08', meetings: 10, peakParticipants: 10 },
      { date: '2031-03-09', meetings: 0, peakParticipants: 0 },
      { date: '2031-03-10', meetings: 1, peakParticipants: 3 },
    ])
    expect(history.durations.map((d) => d.count)).toEqual([4, 6, 0, 0, 0, 0])
    expect(history.durations[0]).toEqual({ fromMinutes: 0, toMinutes: 5, count: 4 })
    expect(history.quality).toEqual({ answers: 4, averageRating: 3.5, distribution: [1, 0, 0, 2, 1] })

    const longer = await meetingsHistory(env.DB, 60, NOW)
    expect(longer.perDay).toHaveLength(60)
    expect(longer.durations.at(-1)).toEqual({ fromMinutes: 120, toMinutes: null, count: 1 })
  })

  it('takes the nearest rank', () => {
    expect(percentile([], 0.5)).toBeNull()
    expect(percentile([7], 0.95)).toBe(7)
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2)
  })

  it('serves the history to operators and refuses a bad range', async () => {
    const res = await ops('/meetings?days=7')
    expect(res.status).toBe(200)
    expect(MeetingsHistory.parse(await res.json()).perDay).toHaveLength(7)
    for (const q of ['days=0', 'days=366', 'days=x', 'from=1'])
      expect((await ops(`/meetings?${q}`)).status, q).toBe(400)
  })
})
