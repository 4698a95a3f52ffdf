import { notFound, onError } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import type { AppEnv } from './app-env.ts'
import { strongSecrets } from './middleware/secrets.ts'
import { consumeDeadLetters, consumeFeedback } from './queue/consumer.ts'
import { DEAD_LETTER_QUEUE_NAME } from './queue/names.ts'
import { deadLetters } from './routes/dead-letters.ts'
import { feedback } from './routes/feedback.ts'
import { health } from './routes/health.ts'

const app = new Hono<AppEnv>()
  .use(strongSecrets())
  .route('/health', health)
  .route('/feedback/dead-letters', deadLetters)
  .route('/feedback', feedback)
app.onError(onError).notFound(notFound)

export type AppType = typeof app

export default {
  fetch: app.fetch,
  queue: (batch, env) =>
    batch.queue === DEAD_LETTER_QUEUE_NAME ? consumeDeadLetters(batch, env) : consumeFeedback(batch, env),
} satisfies ExportedHandler<FeedbackEnv>
