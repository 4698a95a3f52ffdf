import { notFound, onError } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import type { AppEnv } from './app-env.ts'
import { health } from './routes/health.ts'
import { partytracks } from './routes/partytracks.ts'
import { thirdparty } from './routes/thirdparty.ts'

export { RoomMedia } from './room-media/room-media.ts'

const app = new Hono<AppEnv>()
  .route('/health', health)
  .route('/partytracks', partytracks)
  // The ai Worker's third-party sessions; the gateway never routes browsers here.
  .route('/thirdparty', thirdparty)
app.onError(onError).notFound(notFound)

export type AppType = typeof app

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<MediaEnv>
