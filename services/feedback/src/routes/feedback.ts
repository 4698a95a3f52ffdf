import { problem, problemTypes } from '@tangerine/contracts'
import {
  DebugInfoParams,
  FeedbackRequest,
  type FeedbackAccepted,
  type FeedbackMessage,
} from '@tangerine/contracts/feedback'
import { validate } from '@tangerine/contracts/http'
import { forwardedIdentity } from '@tangerine/contracts/identity-middleware'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { reportRateLimit } from '../middleware/rate-limit.ts'
import { feedbackCard } from '../report/card.ts'
import { readDebugInfo, storeDebugInfo } from '../report/debug-info.ts'
import { recordReport } from '../report/report-log.ts'

/*
 * Reports from the web app's "report a problem" dialog, reached as /api/feedback through the
 * gateway, which forwards the public URL (so links point at the gateway) and the caller's identity.
 */
export const feedback = new Hono<AppEnv>()
  .post('/', forwardedIdentity(), reportRateLimit(), validate('json', FeedbackRequest), async (c) => {
    const report = c.req.valid('json')
    const reporter = c.var.identity
    const origin = new URL(c.req.url).origin
    const feedbackId = crypto.randomUUID()
    let debugInfoUrl: string | undefined
    if (report.debugInfo) {
      await storeDebugInfo(c.env.DEBUG_INFO, feedbackId, report.debugInfo, reporter)
      debugInfoUrl = `${origin}/api/feedback/debug-info/${feedbackId}`
    }
    const room = report.room ?? report.debugInfo?.room
    const message: FeedbackMessage = {
      idempotencyKey: crypto.randomUUID(),
      feedbackId,
      createdAt: new Date().toISOString(),
      card: feedbackCard({
        feedbackId,
        report: { ...report, room },
        reporter,
        userAgent: c.req.header('user-agent') ?? report.debugInfo?.browser?.userAgent,
        roomUrl: room && `${origin}/r/${encodeURIComponent(room)}`,
        debugInfoUrl,
      }),
    }
    await c.env.FEEDBACK_QUEUE.send(message, { contentType: 'json' })
    await recordReport(c.env.REPORTS, {
      id: feedbackId,
      at: message.createdAt,
      description: report.description,
      ...(room ? { room } : {}),
      ...(reporter ? { reporter: reporter.name } : {}),
    })
    return c.json({ id: feedbackId, debugInfoUrl } satisfies FeedbackAccepted, 202)
  })
  .get('/debug-info/:id', validate('param', DebugInfoParams), async (c) => {
    const stored = await readDebugInfo(c.env.DEBUG_INFO, c.req.valid('param').id)
    if (!stored) {
      return c.json(
        problem(404, 'No such debug info', {
          type: problemTypes.notFound,
          detail: 'It may have expired (kept 30 days)',
        }),
        404,
      )
    }
    c.header('cache-control', 'private, no-store')
    return c.json(stored, 200)
  })
