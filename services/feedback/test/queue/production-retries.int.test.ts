import { DeadLetterList, FeedbackAccepted } from '@tangerine/contracts/feedback'
import { env } from 'cloudflare:workers'
import { expect, it } from 'vitest'
import { eventually, plan, records } from '../support/receiver-client.ts'
import { admin, postFeedback } from '../support/requests.ts'

/*
 * Miniflare's real queue with the deployed consumer settings (vitest.config.ts, project
 * `feedback-production-retries`: max_retries as wrangler.jsonc has it), not a test acting as
 * Queues: a card the receiver always refuses is tried 1 + max_retries times, then the platform
 * moves it to the dead-letter queue, whose consumer keeps it for ops.
 */

const deadLetters = async () => DeadLetterList.parse(await (await admin('/feedback/dead-letters')).json()).deadLetters

it('tries a refused card 1 + max_retries times through the real queue, then dead-letters it whole', async () => {
  const maxRetries = Number(env.TEST_MAX_RETRIES)
  expect(maxRetries).toBe(8)
  const marker = `refused every time ${crypto.randomUUID()}`
  await plan({ markers: { [marker]: { failures: 1000, mode: '500' } } })
  const res = await postFeedback({ description: marker, room: 'standup' })
  expect(res.status).toBe(202)
  const accepted = FeedbackAccepted.parse(await res.json())

  const dead = await eventually(deadLetters, (list) => list.some((d) => d.message.feedbackId === accepted.id), 50_000)
  const entry = dead.find((d) => d.message.feedbackId === accepted.id)!
  // The whole message as it was queued: its key, its id, its card with the report in it.
  expect(entry.id).toBe(entry.message.idempotencyKey)
  expect(entry.message.card.text).toContain(marker)
  expect(JSON.stringify(entry.message.card.cardsV2)).toContain(marker)
  expect(entry).toMatchObject({ attempts: maxRetries + 1, lastError: 'HTTP 500' })
  // The receiver saw every try, and none more once the message was dead.
  const seen = (await records())[entry.id]!
  expect(seen).toMatchObject({ attempts: maxRetries + 1, delivered: 0 })
  expect(seen.failures).toEqual(Array(maxRetries + 1).fill('500'))
})
