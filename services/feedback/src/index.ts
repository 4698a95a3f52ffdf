import { notFound, onError } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import type { AppEnv } from './app-env.ts'
import { health } from './routes/health.ts'

const app = new Hono<AppEnv>().route('/health', health)
app.onError(onError).notFound(notFound)

export type AppType = typeof app

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<FeedbackEnv>
