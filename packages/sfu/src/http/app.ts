import { Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { CallsError, EnvelopeError, envelopeBody } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { SessionRegistry } from '../sessions/registry.ts'
import type { TurnService } from '../turn/service.ts'
import { cors } from './middleware/cors.ts'
import { getOnly, noRoute, rawPath } from './routing.ts'
import { turnCredentialRoutes } from './routes/turn-credentials.ts'
import { turnKeyRoutes } from './routes/turn-keys.ts'

/** What /healthz and /stats show; with shards, the main thread gathers it from each. */
export interface Counters {
  sessions: number
  forwarding: unknown
  shards?: unknown
}

export interface AppDeps {
  apps: Map<string, string>
  /** Whose counters /healthz and /stats show, on a thread that holds sessions. */
  registry?: SessionRegistry
  /**
   * The Calls API's session routes (`routes/sessions.ts`), from a thread that holds sessions;
   * without them (a sharded SFU's main thread) they are answered before this app. Passed in, not
   * imported here: they load the media stack, which that main thread never runs.
   */
  sessions?: Hono
  /** Overrides the registry's counters (the sharded main thread's sum over shards). */
  counters?: (reset: boolean) => Promise<Counters>
  maxBodyBytes: number
  transportWaitMs: number
  log: Logger
  turn?: TurnService
}

/** The SFU's HTTP control plane: the Calls API, the TURN APIs, health and forwarding counters. */
export function createApp(deps: AppDeps) {
  const { registry, log } = deps
  const counters =
    deps.counters ??
    (async (reset: boolean): Promise<Counters> => {
      const body = { sessions: registry?.size ?? 0, forwarding: registry?.stats.snapshot() }
      if (reset) registry?.stats.reset()
      return body
    })
  // The Calls API and the TURN credentials sit under `/v1` or at the root: Orange calls them without.
  const api = new Hono()
  if (deps.sessions) api.route('/', deps.sessions)
  api.route('/', turnCredentialRoutes(deps))
  return new Hono()
    .use(async (c, next) => {
      const started = performance.now()
      await next()
      // The path and status only: bodies hold SDP, and the Authorization header is never logged.
      const ms = Math.round(performance.now() - started)
      log.debug('request', { method: c.req.method, path: rawPath(c), status: c.res.status, ms })
    })
    .use(cors())
    .get(
      '/healthz',
      getOnly(async (c) => c.json({ status: 'ok', sessions: (await counters(false)).sessions })),
    )
    .get(
      '/stats',
      // Counters only, no session data: safe without auth, like /healthz.
      getOnly(async (c) => c.json(await counters(c.req.query('reset') === '1'))),
    )
    .route('/client/v4', turnKeyRoutes(deps))
    .route('/v1', api)
    .route('/', api)
    .notFound((c) => {
      const { status, code, message } = noRoute(c)
      return c.json({ errorCode: code, errorDescription: message }, status as ContentfulStatusCode)
    })
    .onError((err, c) => {
      if (err instanceof EnvelopeError) {
        const body = envelopeBody(null, [{ code: err.code, message: err.message }])
        return c.json(body, err.status as ContentfulStatusCode)
      }
      if (!(err instanceof CallsError)) log.error('request failed', { method: c.req.method, path: rawPath(c), err })
      const error =
        err instanceof CallsError ? err : new CallsError(500, 'internal_error', 'Internal error; see the SFU log')
      return c.json({ errorCode: error.code, errorDescription: error.message }, error.status as ContentfulStatusCode)
    })
}
