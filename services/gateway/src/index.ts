import { notFound, onError } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import { timing } from 'hono/timing'
import type { AppEnv } from './app-env.ts'
import { forwardRequest } from './forward.ts'
import { accessGate } from './middleware/access.ts'
import { identity, requireIdentity } from './middleware/identity.ts'
import { operator, requireOperator } from './middleware/operator.ts'
import { strongSecrets } from './middleware/secrets.ts'
import { timeFrom, timeTo } from './middleware/timed.ts'
import { limitBody, pageHeaders, rateLimit, sameOriginWrites, strictCors } from './middleware/security.ts'
import { health } from './routes/health.ts'
import { opsOverview } from './routes/ops-overview.ts'
import { opsSession } from './routes/ops-session.ts'
import { opsProxied, proxied } from './routes/proxy.ts'
import { session } from './routes/session.ts'

const app = new Hono<AppEnv>()
  .use(strongSecrets())
  .use(pageHeaders())
  .use(accessGate())
  // Server-Timing: `total` is a call's time in the Workers, `auth` the gateway's limits and
  // identity; the Workers behind it add their own metrics.
  .use(
    '/api/*',
    timing({ totalDescription: 'in the gateway and the Workers behind it', crossOrigin: false }),
    strictCors(),
    sameOriginWrites(),
    limitBody(),
  )
  .use(
    '/api/*',
    timeFrom('auth', 'rate limits and identity'),
    rateLimit('address'),
    identity(),
    rateLimit('caller'),
    timeTo('auth'),
  )
  .use('/api/rooms/*', requireIdentity())
  .use('/api/partytracks/*', requireIdentity())
  .use('/api/ice-servers', requireIdentity())
  // Operators: sign-in is open (it checks the token); everything else under /api/ops is theirs alone.
  .use('/api/ops/*', operator())
  .route('/api/ops/session', opsSession)
  .use('/api/ops/*', requireOperator(), rateLimit('operator'))
  .route('/api/ops/overview', opsOverview)
  .route('/', opsProxied)
  .route('/api/health', health)
  .route('/api/session', session)
  .route('/', proxied)
  .all('/api/*', (c) => notFound(c))
  // Everything that is not the API is the web app's: pages, assets, its own 404s. The answer is
  // copied so that the gateway's security headers can be added to it.
  .all('*', async (c) => {
    const res = await c.env.WEB.fetch(forwardRequest(c.req.raw, undefined))
    return new Response(res.body, res)
  })
app.onError(onError)

export type AppType = typeof app

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<GatewayEnv>
