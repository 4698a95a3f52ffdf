import type { FeedbackMessage } from '@tangerine/contracts/feedback'
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { afterEach, describe, expect, it, vi } from 'vitest'
import worker from '../../src/index.ts'
import { FEEDBACK_QUEUE_NAME } from '../../src/queue/names.ts'
import { feedbackMessage } from '../support/messages.ts'
import { hookUrl, plan, records, setListener } from '../support/receiver-client.ts'

/*
 * The consumer's own code, driven the way Queues drives it: batches of up to 10 (the configured
 * max_batch_size) built with createMessageBatch, and every message it asks to retry fed back with
 * one more attempt, as the queue would once the delay is over. The receiver is real.
 */

// The production retry timing: these tests do not wait for the delays, they check them.
const prodLike = { ...env, FEEDBACK_RETRY_BASE_SECONDS: '10', FEEDBACK_RETRY_MAX_SECONDS: '600' }

type Pending = { id: string; timestamp: number; attempts: number; body: unknown }

/**
 * One batch through the exported handler. The test batch's result does not carry the delay a
 * retry asked for, so each message's `retry` is watched to read it.
 */
async function runBatch(pending: Pending[], batchEnv: FeedbackEnv) {
  const batch = createMessageBatch(FEEDBACK_QUEUE_NAME, pending)
  const asked = new Map<string, number | undefined>()
  for (const message of batch.messages) {
    const retry = message.retry.bind(message)
    message.retry = (options) => (asked.set(message.id, options?.delaySeconds), retry(options))
  }
  const ctx = createExecutionContext()
  await worker.queue(batch, batchEnv)
  const result = await getQueueResult(batch, ctx)
  return { ...result, retryMessages: result.retryMessages.map((r) => ({ ...r, delaySeconds: asked.get(r.msgId) })) }
}

afterEach(async () => {
  vi.restoreAllMocks()
  await setListener(true)
})

describe('feedback consumer', () => {
  it('delivers 200 messages exactly once each through refused connections, 500s, timeouts and resets', async () => {
    const lines: string[] = []
    for (const level of ['log', 'warn'] as const)
      vi.spyOn(console, level).mockImplementation((line: string) => void lines.push(line))
    const messages = Array.from({ length: 200 }, (_, i) => feedbackMessage(`bulk-${i}`))
    const failureModes = [[], ['500'], ['hang', '500'], ['reset', 'reset', 'reset'], ['500', 'reset', 'hang']] as const
    const planned = (i: number) => failureModes[i % failureModes.length]!
    await plan({
      keys: Object.fromEntries(
        messages.map((m, i) => [m.idempotencyKey, { failures: planned(i).length, mode: [...planned(i)] }]),
      ),
    })
    // The first round finds the receiver down: every message is refused and must come back.
    await setListener(false)

    let pending: Pending[] = messages.map((m) => ({
      id: m.idempotencyKey,
      timestamp: Date.now(),
      attempts: 1,
      body: m,
    }))
    const delays = new Map<string, number[]>()
    const acked = new Set<string>()
    for (let round = 1; pending.length > 0; round++) {
      expect(round, 'rounds needed').toBeLessThanOrEqual(5)
      const next: Pending[] = []
      for (let i = 0; i < pending.length; i += 10) {
        const chunk = pending.slice(i, i + 10)
        const result = await runBatch(chunk, prodLike)
        expect(result.ackAll).toBe(false)
        expect(result.retryBatch.retry).toBe(false)
        for (const m of chunk) {
          const retry = result.retryMessages.find((r) => r.msgId === m.id)
          const wasAcked = result.explicitAcks.includes(m.id)
          // Each message is either acked or retried, never both and never neither (lost).
          expect(Number(wasAcked) + Number(retry !== undefined), `message ${m.id} in round ${round}`).toBe(1)
          if (wasAcked) acked.add(m.id)
          else {
            delays.set(m.id, [...(delays.get(m.id) ?? []), retry!.delaySeconds!])
            next.push({ ...m, attempts: m.attempts + 1 })
          }
        }
      }
      if (round === 1) await setListener(true)
      pending = next
    }

    expect(acked.size).toBe(200)
    expect(lines.filter((l) => l.includes('"feedback delivered"'))).toHaveLength(200)
    const state = await records()
    messages.forEach((m, i) => {
      const record = state[m.idempotencyKey]
      expect(record, `record of message ${i}`).toBeDefined()
      expect(record!.delivered).toBe(1)
      expect(record!.duplicates).toBe(0)
      expect(record!.failures).toEqual(planned(i))
      // One refused try (never reached the receiver), the planned failures, then the success.
      expect(record!.attempts).toBe(planned(i).length + 1)
      expect(delays.get(m.idempotencyKey)).toEqual([10, 20, 40, 80].slice(0, planned(i).length + 1))
    })
  })

  it('sends the card as JSON with the idempotency key and the attempt number', async () => {
    const message = feedbackMessage('headers')
    const result = await runBatch([{ id: 'm1', timestamp: Date.now(), attempts: 3, body: message }], env)
    expect(result.explicitAcks).toEqual(['m1'])
    const record = (await records())[message.idempotencyKey]!
    expect(record.card).toEqual(message.card)
    expect(record.headers).toEqual({ 'content-type': 'application/json; charset=UTF-8', 'x-tangerine-attempt': '3' })
  })

  it.each([
    ['without the webhook token', (url: string) => url.replace(/&token=[^&]*/, ''), 'invalid authentication'],
    ['with a wrong webhook key', (url: string) => url.replace(/key=[^&]*/, 'key=guessed'), 'API key not valid'],
  ])('retries a card Google Chat refuses %s, and never logs the URL', async (_, url, refusal) => {
    const lines: string[] = []
    for (const level of ['log', 'warn', 'error'] as const)
      vi.spyOn(console, level).mockImplementation((line: string) => void lines.push(line))
    const message = feedbackMessage('refused-by-chat')
    const result = await runBatch([{ id: 'm1', timestamp: Date.now(), attempts: 1, body: message }], {
      ...env,
      FEEDBACK_URL: url(hookUrl),
    })
    expect(result.retryMessages).toEqual([{ msgId: 'm1', delaySeconds: 0 }])
    const record = (await records())[message.idempotencyKey]!
    expect(record).toMatchObject({ attempts: 1, delivered: 0, refused: [expect.stringContaining(refusal)] })
    expect(lines.join('\n')).toMatch(/HTTP 40[01]/)
    expect(lines.join('\n')).not.toMatch(/secret-(key|token)|guessed|\/hook/)
  })

  it('logs and acknowledges each card when FEEDBACK_URL is not set, without secrets', async () => {
    const logged: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: string) => void logged.push(line))
    const message = feedbackMessage('nowhere-to-send')
    const result = await runBatch([{ id: 'm1', timestamp: Date.now(), attempts: 1, body: message }], {
      ...env,
      FEEDBACK_URL: '',
    })
    expect(result.explicitAcks).toEqual(['m1'])
    expect(result.retryMessages).toEqual([])
    const line = logged
      .map((l) => JSON.parse(l) as { msg: string; idempotencyKey?: string; card?: FeedbackMessage['card'] })
      .find((l) => l.idempotencyKey === message.idempotencyKey)
    expect(line).toMatchObject({ level: 'info', feedbackId: message.feedbackId, card: message.card })
    expect(line!.msg).toMatch(/FEEDBACK_URL not set/)
    expect((await records())[message.idempotencyKey]).toBeUndefined()
  })

  it('never logs the receiver URL, whose query holds the webhook key and token', async () => {
    const lines: string[] = []
    for (const level of ['log', 'warn', 'error'] as const)
      vi.spyOn(console, level).mockImplementation((line: string) => void lines.push(line))
    const message = feedbackMessage('logged-failure')
    await plan({ keys: { [message.idempotencyKey]: { failures: 1, mode: '500' } } })
    const failed = await runBatch([{ id: 'm1', timestamp: Date.now(), attempts: 1, body: message }], env)
    expect(failed.retryMessages).toEqual([{ msgId: 'm1', delaySeconds: 0 }])
    const delivered = await runBatch([{ id: 'm1', timestamp: Date.now(), attempts: 2, body: message }], env)
    expect(delivered.explicitAcks).toEqual(['m1'])
    expect(lines.join('\n')).toContain('HTTP 500')
    expect(lines.join('\n')).not.toMatch(/secret-(key|token)|\/hook/)
  })

  it('acknowledges and logs a malformed body rather than retrying it for ever', async () => {
    const errors: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line))
    const result = await runBatch([{ id: 'bad', timestamp: Date.now(), attempts: 1, body: { hello: 'world' } }], env)
    expect(result.explicitAcks).toEqual(['bad'])
    expect(JSON.parse(errors.at(-1)!)).toMatchObject({ level: 'error', messageId: 'bad', body: { hello: 'world' } })
  })
})
