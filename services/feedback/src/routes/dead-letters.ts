import { problem, problemTypes } from '@tangerine/contracts'
import {
  DeadLetterListQuery,
  DeadLetterParams,
  type DeadLetterList,
  type ReplayAccepted,
} from '@tangerine/contracts/feedback'
import { validate } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import { log } from '@tangerine/contracts/log'
import { operatorName } from '@tangerine/contracts/ops/operator'
import type { WithOperator } from '@tangerine/contracts/ops/require-operator'
import type { AppEnv } from '../app-env.ts'
import { deleteDeadLetter, getDeadLetter, listDeadLetters } from '../queue/failures.ts'
import { markReport } from '../report/report-log.ts'

/** Ops (behind `requireOperator` in ops.ts): messages the consumer gave up on, and putting one back on the queue. */
export const deadLetters = new Hono<AppEnv & WithOperator>()
  .get('/', validate('query', DeadLetterListQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query')
    return c.json((await listDeadLetters(c.env.DEAD_LETTERS, limit, cursor)) satisfies DeadLetterList, 200)
  })
  .post('/:id/replay', validate('param', DeadLetterParams), async (c) => {
    const { id } = c.req.valid('param')
    const entry = await getDeadLetter(c.env.DEAD_LETTERS, id)
    if (!entry)
      return c.json(
        problem(404, 'No such dead letter', { type: problemTypes.notFound, detail: `Nothing dead under ${id}` }),
        404,
      )
    // Queued before it is forgotten: if deleting fails, a second replay sends the same idempotency
    // key again, which a receiver drops; the other order could lose the message.
    await c.env.FEEDBACK_QUEUE.send(entry.message, { contentType: 'json' })
    await deleteDeadLetter(c.env.DEAD_LETTERS, id)
    await markReport(c.env.REPORTS, entry.message, 'queued').catch(() => {})
    log('info', 'dead letter replayed', {
      idempotencyKey: id,
      feedbackId: entry.message.feedbackId,
      by: operatorName(c.var.operator),
    })
    return c.json({ id, replayed: true } satisfies ReplayAccepted, 202)
  })
