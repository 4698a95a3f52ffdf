import { notFound, onError } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import type { AppEnv } from './app-env.ts'
import { forwardRequest } from './forward.ts'
import { identity } from './middleware/identity.ts'
import { health } from './routes/health.ts'
import { rooms } from './routes/rooms.ts'
import { session } from './routes/session.ts'

const app = new Hono<AppEnv>()
  .use('/api/*', identity())
  .route('/api/health', health)
  .route('/api/session', session)
  .route('/api/rooms', rooms)
  .all('/api/*', (c) => notFound(c))
  // Everything that is not the API is the web app's: pages, assets, its own 404s.
  .all('*', (c) => c.env.WEB.fetch(forwardRequest(c.req.raw, undefined)))
app.onError(onError)

export type AppType = typeof app

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<GatewayEnv>
