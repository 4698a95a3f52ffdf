import { notFound, onError } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import type { AppEnv } from './app-env.ts'
import { health } from './routes/health.ts'
import { partytracks } from './routes/partytracks.ts'

export { RoomMedia } from './room-media/room-media.ts'

const app = new Hono<AppEnv>().route('/health', health).route('/partytracks', partytracks)
app.onError(onError).notFound(notFound)

export type AppType = typeof app

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<MediaEnv>
