import { notFound, onError } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import type { AppEnv } from './app-env.ts'
import { health } from './routes/health.ts'

const app = new Hono<AppEnv>()
  .route('/api/health', health)
  .all('/api/*', (c) => notFound(c))
  // Everything that is not the API is the web app's: pages, assets, its own 404s.
  .all('*', (c) => c.env.WEB.fetch(c.req.raw))
app.onError(onError)

export type AppType = typeof app

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<GatewayEnv>
