import { notFound, onError } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import type { AppEnv } from './app-env.ts'
import { health } from './routes/health.ts'
import { callQualityRoutes } from './routes/call-quality.ts'
import { ops } from './routes/ops.ts'
import { rooms } from './routes/rooms.ts'

export { Room } from './room/room-server.ts'
export { RoomRegistry } from './registry/room-registry.ts'

const app = new Hono<AppEnv>()
  .route('/health', health)
  .route('/rooms', rooms)
  .route('/rooms', callQualityRoutes)
  .route('/ops', ops)
app.onError(onError).notFound(notFound)

export type AppType = typeof app

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<RoomsEnv>
