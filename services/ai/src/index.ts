import { notFound, onError } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import type { AppEnv } from './app-env.ts'
import { consumeAiEnded } from './queue/ai-ended.ts'
import { ai } from './routes/ai.ts'
import { health } from './routes/health.ts'

const app = new Hono<AppEnv>().route('/health', health).route('/rooms', ai)
app.onError(onError).notFound(notFound)

export type AppType = typeof app

export default {
  fetch: app.fetch,
  queue: consumeAiEnded,
} satisfies ExportedHandler<AiEnv>
