import { validate } from '@tangerine/contracts/http'
import { RecentReportsQuery, type RecentReports } from '@tangerine/contracts/ops/api'
import { requireOperator, type WithOperator } from '@tangerine/contracts/ops/require-operator'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { feedbackSummary, recentReports } from '../report/report-log.ts'
import { deadLetters } from './dead-letters.ts'

/** The feedback Worker's part of the operators' API (the gateway's `/api/ops/feedback/*`). */
export const ops = new Hono<AppEnv & WithOperator>()
  .use(requireOperator())
  .get('/feedback/summary', async (c) => c.json(await feedbackSummary(c.env.REPORTS, c.env.DEAD_LETTERS), 200))
  .get('/feedback/reports', validate('query', RecentReportsQuery), async (c) =>
    c.json({ reports: await recentReports(c.env.REPORTS, c.req.valid('query').limit) } satisfies RecentReports, 200),
  )
  .route('/feedback/dead-letters', deadLetters)
