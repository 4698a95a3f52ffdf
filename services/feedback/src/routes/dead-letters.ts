import { problem, problemTypes } from '@tangerine/contracts'
import { requireAdmin } from '@tangerine/contracts/admin'
import {
  DeadLetterListQuery,
  DeadLetterParams,
  type DeadLetterList,
  type ReplayAccepted,
} from '@tangerine/contracts/feedback'
import { validate } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { deleteDeadLetter, getDeadLetter, listDeadLetters } from '../queue/failures.ts'
import { log } from '@tangerine/contracts/log'

/** Ops: messages the consumer gave up on, and putting one back on the queue. */
export const deadLetters = new Hono<AppEnv>()
  .use(requireAdmin<AppEnv>('tangerine-feedback-admin'))
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
    log('info', 'dead letter replayed', { idempotencyKey: id, feedbackId: entry.message.feedbackId })
    return c.json({ id, replayed: true } satisfies ReplayAccepted, 202)
  })
