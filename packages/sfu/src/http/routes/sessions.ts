import { Hono, type Context } from 'hono'
import { METHOD_NAME_ALL } from 'hono/router'
import {
  CloseDataChannelsRequest,
  CloseTracksRequest,
  EstablishDataChannelRequest,
  NewDataChannelsRequest,
  NewSessionRequest,
  RenegotiateRequest,
  TracksRequest,
  UpdateDataChannelsRequest,
  UpdateTracksRequest,
} from '@tangerine/contracts/calls/api'
import { CallsError } from '../../errors.ts'
import type { Logger } from '../../log.ts'
import type { SessionRegistry } from '../../sessions/registry.ts'
import type { OperationContext } from '../../api/context.ts'
import { tracksNew } from '../../api/tracks-new.ts'
import { closeDataChannels, establish, newDataChannels, updateDataChannels } from '../../api/data-channels.ts'
import { closeTracks, getSession, newSession, renegotiate, updateTracks } from '../../api/session-ops.ts'
import { limitBody, parseBody } from '../body.ts'
import { appSecret } from '../middleware/app-secret.ts'
import { getOnly, withSlash } from '../routing.ts'

export interface SessionRouteDeps {
  apps: Map<string, string>
  registry: SessionRegistry
  maxBodyBytes: number
  transportWaitMs: number
  log: Logger
}

const session = '/apps/:appId/sessions/:sessionId'
const actions = [
  'tracks/new',
  'tracks/close',
  'tracks/update',
  'renegotiate',
  'datachannels/establish',
  'datachannels/new',
  'datachannels/update',
  'datachannels/close',
]

/** The Calls API (mounted with and without `/v1`: Orange calls it without). */
export function sessionRoutes(deps: SessionRouteDeps) {
  const { registry, log } = deps
  /**
   * One session's operation, after its app's secret and the body limit: the session is looked
   * up before the body is parsed, and the parse runs in the session's queue like the rest.
   */
  const op =
    (operation: (ctx: OperationContext, body: string) => unknown) =>
    async (c: Context): Promise<Response> => {
      const appId = c.req.param('appId') ?? ''
      const read = c.req.method !== 'GET'
      const body = read ? await c.req.text() : ''
      const current = registry.get(appId, c.req.param('sessionId') ?? '')
      const ctx: OperationContext = { appId, session: current, registry, log, transportWaitMs: deps.transportWaitMs }
      // Reads like GET do not count as the client still being at work.
      return c.json(await current.run(async () => operation(ctx, body), read))
    }

  const app = new Hono()
  // Every method on a session path shows its app's secret first, then the body limit applies;
  // a method the path does not take is told so only after that.
  for (const path of withSlash(session, ...actions.map((a) => `${session}/${a}`))) {
    app.use(path, appSecret({ apps: deps.apps, param: 'appId', unknownApp, wrongSecret }), limitBody(deps.maxBodyBytes))
  }
  return app
    .on('POST', withSlash('/apps/:appId/sessions/new'), async (c) => {
      const thirdparty = c.req.query('thirdparty') === 'true'
      const body = parseBody(NewSessionRequest, await c.req.text())
      return c.json(await newSession(registry, c.req.param('appId') ?? '', thirdparty, body), 201)
    })
    .on(METHOD_NAME_ALL, withSlash('/apps/:appId/sessions/new'), () => {
      throw new CallsError(405, 'invalid_params', 'sessions/new takes POST')
    })
    .on('GET', withSlash(session), getOnly(op((ctx) => getSession(ctx))))
    .on(
      'POST',
      withSlash(`${session}/tracks/new`),
      op((ctx, b) => tracksNew(ctx, parseBody(TracksRequest, b))),
    )
    .on(
      'PUT',
      withSlash(`${session}/renegotiate`),
      op((ctx, b) => renegotiate(ctx, parseBody(RenegotiateRequest, b))),
    )
    .on(
      'PUT',
      withSlash(`${session}/tracks/close`),
      op((ctx, b) => closeTracks(ctx, parseBody(CloseTracksRequest, b))),
    )
    .on(
      'PUT',
      withSlash(`${session}/tracks/update`),
      op((ctx, b) => updateTracks(ctx, parseBody(UpdateTracksRequest, b))),
    )
    .on(
      'POST',
      withSlash(`${session}/datachannels/establish`),
      op((ctx, b) => establish(ctx, parseBody(EstablishDataChannelRequest, b))),
    )
    .on(
      'POST',
      withSlash(`${session}/datachannels/new`),
      op((ctx, b) => newDataChannels(ctx, parseBody(NewDataChannelsRequest, b))),
    )
    .on(
      'PUT',
      withSlash(`${session}/datachannels/update`),
      op((ctx, b) => updateDataChannels(ctx, parseBody(UpdateDataChannelsRequest, b))),
    )
    .on(
      'PUT',
      withSlash(`${session}/datachannels/close`),
      op((ctx, b) => closeDataChannels(ctx, parseBody(CloseDataChannelsRequest, b))),
    )
}

const unknownApp = () => new CallsError(404, 'not_found', 'App not found')
const wrongSecret = () => new CallsError(401, 'unauthorized', 'Missing or wrong app secret')
