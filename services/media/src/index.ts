import { notFound, onError } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import type { AppEnv } from './app-env.ts'
import { strongSecrets } from './middleware/secrets.ts'
import { health } from './routes/health.ts'
import { iceServersRoute } from './routes/ice-servers.ts'
import { partytracks } from './routes/partytracks.ts'
import { ops } from './routes/ops.ts'
import { thirdparty } from './routes/thirdparty.ts'

export { RoomMedia } from './room-media/room-media.ts'
export { TurnKeys } from './turn/turn-keys.ts'

const app = new Hono<AppEnv>()
  .use(strongSecrets())
  .route('/health', health)
  .route('/partytracks', partytracks)
  .route('/ice-servers', iceServersRoute)
  .route('/ops', ops)
  // The ai Worker's third-party sessions; the gateway never routes browsers here.
  .route('/thirdparty', thirdparty)
app.onError(onError).notFound(notFound)

export type AppType = typeof app

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<MediaEnv>
