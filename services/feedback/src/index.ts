import { notFound, onError } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import type { AppEnv } from './app-env.ts'
import { consumeDeadLetters, consumeFeedback } from './queue/consumer.ts'
import { DEAD_LETTER_QUEUE_NAME } from './queue/names.ts'
import { feedback } from './routes/feedback.ts'
import { health } from './routes/health.ts'
import { ops } from './routes/ops.ts'

const app = new Hono<AppEnv>().route('/health', health).route('/ops', ops).route('/feedback', feedback)
app.onError(onError).notFound(notFound)

export type AppType = typeof app

export default {
  fetch: app.fetch,
  queue: (batch, env) =>
    batch.queue === DEAD_LETTER_QUEUE_NAME ? consumeDeadLetters(batch, env) : consumeFeedback(batch, env),
} satisfies ExportedHandler<FeedbackEnv>
