import { FeedbackMessage } from '@tangerine/contracts/feedback'
import { issuesOf } from '@tangerine/contracts'
import { log } from '@tangerine/contracts/log'
import { deliveryTimeoutMs, retryDelaySeconds, retryPolicy } from './backoff.ts'
import { deliver, safeTarget } from './deliver.ts'
import { markReport } from '../report/report-log.ts'
import { clearFailure, noteFailure, storeDeadLetter } from './failures.ts'

/**
 * Runs `handle` on each message of `batch` whose body is a FeedbackMessage. No try can make a
 * malformed body deliverable, so one is acked and logged in full: nothing is silently gone.
 */
async function eachFeedback(
  batch: MessageBatch,
  queue: string,
  handle: (msg: Message, message: FeedbackMessage) => Promise<void>,
): Promise<void> {
  await Promise.all(
    batch.messages.map(async (msg) => {
      const parsed = FeedbackMessage.safeParse(msg.body)
      if (parsed.success) return handle(msg, parsed.data)
      log('error', `${queue} is malformed, dropped`, {
        messageId: msg.id,
        errors: issuesOf(parsed.error),
        body: msg.body,
      })
      msg.ack()
    }),
  )
}

/**
 * The `tangerine-feedback` consumer: each message on its own is POSTed to FEEDBACK_URL and acked
 * only on a 2xx; any failure is retried with a growing delay, and after the queue's `max_retries`
 * the platform moves it to the dead-letter queue. Without FEEDBACK_URL, each card is logged.
 */
export async function consumeFeedback(batch: MessageBatch, env: FeedbackEnv): Promise<void> {
  const policy = retryPolicy(env)
  const timeoutMs = deliveryTimeoutMs(env)
  await eachFeedback(batch, 'feedback message', async (msg, message) => {
    const ids = { idempotencyKey: message.idempotencyKey, feedbackId: message.feedbackId, attempt: msg.attempts }
    if (!env.FEEDBACK_URL) {
      log('info', 'feedback (FEEDBACK_URL not set, logged instead of sent)', { ...ids, card: message.card })
      msg.ack()
      await markReport(env.REPORTS, message, 'delivered').catch(() => {})
      return
    }
    const result = await deliver(env.FEEDBACK_URL, message, msg.attempts, timeoutMs)
    if (result.ok) {
      log('info', 'feedback delivered', { ...ids, status: result.status })
      msg.ack()
      // The ops view's status is best effort: the card is delivered either way.
      await markReport(env.REPORTS, message, 'delivered').catch(() => {})
      if (msg.attempts > 1) await clearFailure(env.DEAD_LETTERS, message.idempotencyKey).catch(() => {})
      return
    }
    const delaySeconds = retryDelaySeconds(msg.attempts, policy)
    log('warn', 'feedback delivery failed, will retry', {
      ...ids,
      target: safeTarget(env.FEEDBACK_URL),
      error: result.error,
      delaySeconds,
    })
    // The note is best effort: losing it loses detail on a dead letter, never the message.
    await noteFailure(env.DEAD_LETTERS, message.idempotencyKey, {
      attempts: msg.attempts,
      lastError: result.error,
    }).catch(() => {})
    msg.retry({ delaySeconds })
  })
}

/** The dead-letter queue's consumer: keeps each dead message for ops to list and replay. */
export async function consumeDeadLetters(batch: MessageBatch, env: FeedbackEnv): Promise<void> {
  const deadAt = new Date().toISOString()
  await eachFeedback(batch, 'dead feedback message', async (msg, message) => {
    try {
      const entry = await storeDeadLetter(env.DEAD_LETTERS, message, deadAt)
      log('error', 'feedback dead-lettered', {
        idempotencyKey: entry.id,
        feedbackId: entry.message.feedbackId,
        attempts: entry.attempts,
        lastError: entry.lastError,
      })
      msg.ack()
      await markReport(env.REPORTS, message, 'dead').catch(() => {})
    } catch (err) {
      log('error', 'could not store a dead letter, will retry', {
        idempotencyKey: message.idempotencyKey,
        error: String(err),
      })
      msg.retry({ delaySeconds: 30 })
    }
  })
}
