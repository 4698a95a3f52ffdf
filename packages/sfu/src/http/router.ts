import type { IncomingMessage, ServerResponse } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import {
  CloseDataChannelsRequest,
  EstablishDataChannelRequest,
  NewDataChannelsRequest,
  CloseTracksRequest,
  NewSessionRequest,
  RenegotiateRequest,
  TracksRequest,
  UpdateDataChannelsRequest,
  UpdateTracksRequest,
} from '@tangerine/contracts/calls/api'
import { CallsError } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { SessionRegistry } from '../sessions/registry.ts'
import type { OperationContext } from '../api/context.ts'
import { tracksNew } from '../api/tracks-new.ts'
import { closeDataChannels, establish, newDataChannels, updateDataChannels } from '../api/data-channels.ts'
import { closeTracks, getSession, newSession, renegotiate, updateTracks } from '../api/session-ops.ts'
import { parseBody, readBody, sendError, sendJson } from './io.ts'
import type { TurnService } from '../turn/service.ts'
import { EnvelopeError, envelopeBody, routeTurn } from './turn-routes.ts'

export interface RouterDeps {
  apps: Map<string, string>
  registry: SessionRegistry
  maxBodyBytes: number
  log: Logger
  turn?: TurnService
}

// `/v1` is optional: Orange calls the API without it.
const appRoute =
  /^(?:\/v1)?\/apps\/([^/]+)\/sessions\/([^/]+)(\/tracks\/new|\/tracks\/close|\/tracks\/update|\/renegotiate|\/datachannels\/establish|\/datachannels\/new|\/datachannels\/update|\/datachannels\/close)?\/?$/

type Handler = (ctx: OperationContext, body: string) => Promise<unknown> | unknown

const sessionRoutes: Record<string, Handler> = {
  'GET ': (ctx) => getSession(ctx),
  'POST /tracks/new': (ctx, body) => tracksNew(ctx, parseBody(TracksRequest, body)),
  'PUT /renegotiate': (ctx, body) => renegotiate(ctx, parseBody(RenegotiateRequest, body)),
  'PUT /tracks/close': (ctx, body) => closeTracks(ctx, parseBody(CloseTracksRequest, body)),
  'PUT /tracks/update': (ctx, body) => updateTracks(ctx, parseBody(UpdateTracksRequest, body)),
  'POST /datachannels/establish': (ctx, body) => establish(ctx, parseBody(EstablishDataChannelRequest, body)),
  'POST /datachannels/new': (ctx, body) => newDataChannels(ctx, parseBody(NewDataChannelsRequest, body)),
  'PUT /datachannels/update': (ctx, body) => updateDataChannels(ctx, parseBody(UpdateDataChannelsRequest, body)),
  'PUT /datachannels/close': (ctx, body) => closeDataChannels(ctx, parseBody(CloseDataChannelsRequest, body)),
}

function authorize(deps: RouterDeps, appId: string, header: string | undefined): void {
  const secret = deps.apps.get(appId)
  if (secret === undefined) throw new CallsError(404, 'not_found', 'App not found')
  const token = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? ''
  const a = Buffer.from(token)
  const b = Buffer.from(secret)
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new CallsError(401, 'unauthorized', 'Missing or wrong app secret')
  }
}

export function createRouter(deps: RouterDeps) {
  return async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now()
    const url = new URL(req.url ?? '/', 'http://sfu.local')
    const method = req.method ?? 'GET'
    let status = 500
    try {
      const result = await dispatch(deps, req, method, url)
      status = result.status
      sendJson(req, res, status, result.body)
    } catch (err) {
      if (err instanceof EnvelopeError) {
        status = err.status
        sendJson(req, res, status, envelopeBody(null, [{ code: err.code, message: err.message }]))
        return
      }
      const error =
        err instanceof CallsError ? err : new CallsError(500, 'internal_error', 'Internal error; see the SFU log')
      if (!(err instanceof CallsError)) deps.log.error('request failed', { method, path: url.pathname, err })
      status = error.status
      sendError(req, res, error)
    } finally {
      // The path and status only: bodies hold SDP, and the Authorization header is never logged.
      deps.log.debug('request', { method, path: url.pathname, status, ms: Math.round(performance.now() - started) })
    }
  }
}

async function dispatch(
  deps: RouterDeps,
  req: IncomingMessage,
  method: string,
  url: URL,
): Promise<{ status: number; body: unknown }> {
  if (method === 'OPTIONS') return { status: 200, body: {} }
  if (url.pathname === '/healthz' && method === 'GET') {
    return { status: 200, body: { status: 'ok', sessions: deps.registry.size } }
  }
  if (url.pathname === '/stats' && method === 'GET') {
    // Counters only, no session data: safe without auth, like /healthz.
    const body = { sessions: deps.registry.size, forwarding: deps.registry.stats.snapshot() }
    if (url.searchParams.get('reset') === '1') deps.registry.stats.reset()
    return { status: 200, body }
  }
  const turn = await routeTurn({ apps: deps.apps, turn: deps.turn, maxBodyBytes: deps.maxBodyBytes }, req, method, url)
  if (turn) return turn
  const match = appRoute.exec(url.pathname)
  if (!match) throw new CallsError(404, 'not_found', `No route for ${method} ${url.pathname.slice(0, 200)}`)
  const appId = decodeURIComponent(match[1]!)
  const sessionId = decodeURIComponent(match[2]!)
  const action = match[3] ?? ''
  authorize(deps, appId, req.headers.authorization)
  const body = method === 'GET' ? '' : await readBody(req, deps.maxBodyBytes)

  if (sessionId === 'new' && action === '') {
    if (method !== 'POST') throw new CallsError(405 as number, 'invalid_params', 'sessions/new takes POST')
    const thirdparty = url.searchParams.get('thirdparty') === 'true'
    const response = await newSession(deps.registry, appId, thirdparty, parseBody(NewSessionRequest, body))
    return { status: 201, body: response }
  }
  const handler = sessionRoutes[`${method} ${action}`]
  if (!handler) throw new CallsError(404, 'not_found', `No route for ${method} ${url.pathname.slice(0, 200)}`)
  const session = deps.registry.get(appId, sessionId)
  const ctx: OperationContext = { appId, session, registry: deps.registry, log: deps.log }
  const response = await session.run(async () => handler(ctx, body), method !== 'GET')
  return { status: 200, body: response }
}
