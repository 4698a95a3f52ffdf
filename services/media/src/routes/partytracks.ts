import { issuesOf, ownsUserId, problem, problemTypes } from '@tangerine/contracts'
import { ProxyQuery } from '@tangerine/contracts/calls/api'
import {
  ProxyCloseTracksRequest,
  ProxyNewSessionRequest,
  ProxyRenegotiateRequest,
  ProxyTracksRequest,
  ProxyUpdateTracksRequest,
  pullsIn,
  sessionIdsIn,
} from '@tangerine/contracts/calls/proxy'
import { validate } from '@tangerine/contracts/http'
import { forwardedIdentity } from '@tangerine/contracts/identity-middleware'
import { decodeOperator, OPERATOR_HEADER } from '@tangerine/contracts/ops/operator'
import { Hono, type Context } from 'hono'
import { endTime, startTime, timing } from 'hono/timing'
import type { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { placeInRoom } from '../calls/membership.ts'
import { relay } from '../calls/relay.ts'
import { answerIceServers, iceIdentity } from './ice-servers.ts'

/*
 * The browser's Calls API, the path shape partytracks expects under its prefix. This is our own
 * proxy rather than partytracks' `routePartyTracksRequest`: that helper forwards every browser
 * header upstream (cookies and our identity header included), validates nothing, and locks a
 * session to a browser cookie; here a session belongs to a user in a room, checked against the
 * room itself, every body is validated with the contracts, and each call is kept for the debug view.
 */

type C = Context<AppEnv>

function refuse(
  c: C,
  status: 400 | 401 | 403,
  errorCode: string,
  detail: string,
  errors?: ReturnType<typeof issuesOf>,
) {
  // Problem Details for us, plus `errorCode`/`errorDescription`, which partytracks reads.
  const type = status === 400 ? problemTypes.validation : problemTypes.unauthorized
  return c.json(
    { ...problem(status, 'Calls request refused', { type, detail, errors }), errorCode, errorDescription: detail },
    status,
  )
}

/** partytracks sends JSON without a Content-Type, so the body is read and checked here. */
async function readBody<S extends z.ZodType>(
  c: C,
  schema: S | undefined,
): Promise<{ ok: true; body: z.infer<S> | undefined } | { ok: false; res: Response }> {
  const text = await c.req.text()
  if (!schema) return { ok: true, body: undefined }
  if (!text)
    return schema.safeParse({}).success
      ? { ok: true, body: undefined }
      : { ok: false, res: refuse(c, 400, 'decoding_error', 'A JSON body is required') }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { ok: false, res: refuse(c, 400, 'decoding_error', 'The body is not JSON') }
  }
  const parsed = schema.safeParse(json)
  return parsed.success
    ? { ok: true, body: parsed.data }
    : { ok: false, res: refuse(c, 400, 'decoding_error', 'The body is not valid', issuesOf(parsed.error)) }
}

/**
 * Checks who asks, then relays the call: an identity from the gateway, in the meeting in the
 * claimed room (or, for `fromLobby` calls, only present in it), owning the session it drives. Every session the body names, in any field and
 * whatever its `location` says, must be of the same room (the strict schemas refuse fields they
 * do not know), and every track it takes must have been published there.
 */
async function forward<S extends z.ZodType>(
  c: C,
  { room, user }: ProxyQuery,
  method: string,
  schema?: S,
  { fromLobby = false } = {},
) {
  const who = c.var.identity
  if (!who) return refuse(c, 401, 'unauthorized', 'No identity: calls come through the gateway')
  const read = await readBody(c, schema)
  const media = c.env.ROOM_MEDIA.getByName(room)
  const sessionId = c.req.param('sessionId')
  const named = read.ok ? sessionIdsIn(read.body) : []
  const pulls = read.ok ? pullsIn(read.body as never) : []
  const whole = pulls.filter((p) => p !== undefined)
  // Independent reads, side by side (every Calls call waits on them, and a join makes several
  // such calls one after another); their verdicts are still given in the same order.
  startTime(c, 'checks', 'membership, sessions and tracks')
  const [place, owners, unpublished] = await Promise.all([
    placeInRoom(c.env, room, user, who),
    media.ownersOf(sessionId === undefined ? named : [sessionId, ...named]),
    whole.length > 0 ? media.unpublished(whole) : [],
  ])
  endTime(c, 'checks')
  if (place === 'absent') return refuse(c, 403, 'unauthorized', `You are not in room ${room}`)
  if (place === 'lobby' && !fromLobby)
    return refuse(c, 403, 'unauthorized', `You are not in the meeting in room ${room}: join it first`)
  if (!read.ok) return read.res
  if (sessionId !== undefined && owners[sessionId] !== user) {
    return refuse(c, 403, 'unauthorized', `Session ${sessionId} is not yours in room ${room}`)
  }
  const foreign = [...new Set(named)].filter((id) => owners[id] === undefined)
  if (foreign.length > 0)
    return refuse(c, 403, 'unauthorized', `Sessions ${foreign.join(', ')} are not in room ${room}`)
  if (whole.length < pulls.length) {
    return refuse(
      c,
      400,
      'invalid_params',
      'A track taken from a session must name both the sessionId and the trackName',
    )
  }
  if (unpublished.length > 0)
    return refuse(c, 403, 'unauthorized', `No session of room ${room} publishes ${unpublished.join(', ')}`)

  const path = c.req.path.replace(/^\/partytracks/, '')
  const query = new URLSearchParams()
  const correlationId = c.req.query('correlationId')
  if (correlationId) query.set('correlationId', correlationId.slice(0, 64))
  const push = path.endsWith('/tracks/new') && pulls.length === 0
  return relay(c, room, { method, path, body: read.body, query, sessionId, owner: user, recordFirst: push })
}

const inRoom = validate('query', ProxyQuery)

export const partytracks = new Hono<AppEnv>()
  // Server-Timing on every Calls call: the browser's devtools and the join benchmark see where a call's time goes.
  .use(timing({ total: false, crossOrigin: false }))
  .use(forwardedIdentity())
  // partytracks' own ICE fetch, for clients not given `iceServers`: the same as /ice-servers.
  .all('/generate-ice-servers', iceIdentity, answerIceServers)
  .post('/sessions/new', inRoom, (c) => forward(c, c.req.valid('query'), 'POST', ProxyNewSessionRequest))
  .post('/sessions/:sessionId/tracks/new', inRoom, (c) => forward(c, c.req.valid('query'), 'POST', ProxyTracksRequest))
  // Letting go of one's own tracks takes nothing from anyone, so someone the room has put back in
  // the lobby (timed out by a network drop, until the page rejoins) may still close them and
  // finish that renegotiation: refused, partytracks would wedge the session the page rejoins with.
  .put('/sessions/:sessionId/renegotiate', inRoom, (c) =>
    forward(c, c.req.valid('query'), 'PUT', ProxyRenegotiateRequest, { fromLobby: true }),
  )
  .put('/sessions/:sessionId/tracks/close', inRoom, (c) =>
    forward(c, c.req.valid('query'), 'PUT', ProxyCloseTracksRequest, { fromLobby: true }),
  )
  .put('/sessions/:sessionId/tracks/update', inRoom, (c) =>
    forward(c, c.req.valid('query'), 'PUT', ProxyUpdateTracksRequest),
  )
  // Nothing else of the Calls API (data channels among it) is proxied: unknown paths are 404.
  .get('/sessions/:sessionId', inRoom, (c) => forward(c, c.req.valid('query'), 'GET'))
  /**
   * The debug view: this session's calls through the proxy, oldest first. They hold SDP (addresses,
   * ICE credentials), so only the session's owner — the identity that owns its user id — or an
   * operator with the admin token may read them, during the session and after it.
   */
  .get('/sessions/:sessionId/history', inRoom, async (c) => {
    const { room, user } = c.req.valid('query')
    const who = c.var.identity
    const sessionId = c.req.param('sessionId')
    const media = c.env.ROOM_MEDIA.getByName(room)
    const owner = await media.ownerOf(sessionId)
    // An operator, as the gateway marked them (its /api/ops routes only; /api/partytracks drops the mark).
    if (!decodeOperator(c.req.header(OPERATOR_HEADER))) {
      if (!who) return refuse(c, 401, 'unauthorized', 'No identity: calls come through the gateway')
      if (owner === undefined || owner !== user || !ownsUserId(who, user)) {
        return refuse(c, 403, 'unauthorized', `Session ${sessionId} is not yours`)
      }
    }
    return c.json({ sessionId, entries: await media.history(sessionId) }, 200)
  })
