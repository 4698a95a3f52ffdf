import { decodeIdentity, IDENTITY_HEADER, issuesOf, problem, problemTypes, type Identity } from '@tangerine/contracts'
import {
  CloseTracksRequest,
  NewSessionRequest,
  ProxyQuery,
  RenegotiateRequest,
  TracksRequest,
  UpdateTracksRequest,
  type ProxyHistoryEntry,
} from '@tangerine/contracts/calls/api'
import { validate } from '@tangerine/contracts/http'
import { Hono, type Context } from 'hono'
import { endTime, startTime, timing } from 'hono/timing'
import type { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { isInRoom } from '../calls/membership.ts'
import { callUpstream } from '../calls/upstream.ts'
import { answerIceServers } from './ice-servers.ts'

/*
 * The browser's Calls API, the path shape partytracks expects under its prefix. This is our own
 * proxy rather than partytracks' `routePartyTracksRequest`: that helper forwards every browser
 * header upstream (cookies and our identity header included), validates nothing, and locks a
 * session to a browser cookie; here a session belongs to a user in a room, checked against the
 * room itself, every body is validated with the contracts, and each call is kept for the debug view.
 */

type C = Context<AppEnv>

function refuse(c: C, status: 400 | 401 | 403, errorCode: string, detail: string, errors?: ReturnType<typeof issuesOf>) {
  // Problem Details for us, plus `errorCode`/`errorDescription`, which partytracks reads.
  const type = status === 400 ? problemTypes.validation : problemTypes.unauthorized
  return c.json({ ...problem(status, 'Calls request refused', { type, detail, errors }), errorCode, errorDescription: detail }, status)
}

/** partytracks sends JSON without a Content-Type, so the body is read and checked here. */
async function readBody<S extends z.ZodType>(c: C, schema: S | undefined): Promise<{ ok: true; body: z.infer<S> | undefined } | { ok: false; res: Response }> {
  const text = await c.req.text()
  if (!schema) return { ok: true, body: undefined }
  if (!text) return schema.safeParse({}).success ? { ok: true, body: undefined } : { ok: false, res: refuse(c, 400, 'decoding_error', 'A JSON body is required') }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { ok: false, res: refuse(c, 400, 'decoding_error', 'The body is not JSON') }
  }
  const parsed = schema.safeParse(json)
  return parsed.success ? { ok: true, body: parsed.data } : { ok: false, res: refuse(c, 400, 'decoding_error', 'The body is not valid', issuesOf(parsed.error)) }
}

const remoteSessionIds = (body: { tracks?: Array<{ location?: string; sessionId?: string }> } | undefined) =>
  (body?.tracks ?? []).filter((t) => t.location === 'remote' && t.sessionId).map((t) => t.sessionId!)

/**
 * Forwards one call after checking who asks: an identity from the gateway, present in the
 * claimed room, owning the session it drives, and pulling only from its own room's sessions.
 */
function forward<S extends z.ZodType>(method: string, schema?: S) {
  return async (c: C) => {
    const who: Identity | undefined = decodeIdentity(c.req.header(IDENTITY_HEADER))
    if (!who) return refuse(c, 401, 'unauthorized', 'No identity: calls come through the gateway')
    const { room, user } = c.req.valid('query' as never) as ProxyQuery
    const read = await readBody(c, schema)
    const media = c.env.ROOM_MEDIA.getByName(room)
    const sessionId = c.req.param('sessionId')
    // Two independent reads, side by side (every Calls call waits on them, and a join makes
    // several such calls one after another); their verdicts are still given in the same order.
    const remote = read.ok ? remoteSessionIds(read.body as never) : []
    startTime(c, 'checks', 'membership and session ownership')
    const [member, owners] = await Promise.all([
      isInRoom(c.env, room, user, who),
      media.ownersOf(sessionId === undefined ? remote : [sessionId, ...remote]),
    ])
    endTime(c, 'checks')
    const owner = sessionId === undefined ? undefined : owners[sessionId]
    const foreign = [...new Set(remote)].filter((id) => owners[id] === undefined)
    if (!member) return refuse(c, 403, 'unauthorized', `You are not in room ${room}`)
    if (!read.ok) return read.res
    if (sessionId !== undefined && owner !== user) {
      return refuse(c, 403, 'unauthorized', `Session ${sessionId} is not yours in room ${room}`)
    }
    if (foreign.length > 0) return refuse(c, 403, 'unauthorized', `Sessions ${foreign.join(', ')} are not in room ${room}`)

    const path = c.req.path.replace(/^\/partytracks/, '')
    const query = new URLSearchParams()
    const correlationId = c.req.query('correlationId')
    if (correlationId) query.set('correlationId', correlationId.slice(0, 64))
    startTime(c, 'calls', `Calls ${method} ${path.replace(/\/sessions\/[^/]+/, '/sessions/:id')}`)
    const upstream = await callUpstream(c.env, method, path, read.body, query)
    endTime(c, 'calls')
    const now = new Date().toISOString()
    const newSession = path === '/sessions/new' && upstream.status < 300 ? (upstream.body as { sessionId?: string }).sessionId : undefined
    if (newSession) await media.claim(newSession, user, now)
    const historyOf = sessionId ?? newSession
    if (historyOf) {
      const entries: ProxyHistoryEntry[] = [
        { at: now, type: 'request', method, endpoint: path, body: read.body },
        { at: now, type: 'response', method, endpoint: path, status: upstream.status, body: upstream.body },
      ]
      // The debug view's history is not on the caller's path: the Worker stays alive for it.
      c.executionCtx.waitUntil(media.record(historyOf, entries))
    }
    return c.json(upstream.body as Record<string, unknown>, upstream.status as 200)
  }
}

const inRoom = validate('query', ProxyQuery)

export const partytracks = new Hono<AppEnv>()
  // Server-Timing on every Calls call: the browser's devtools and the join benchmark see where a call's time goes.
  .use(timing({ total: false, crossOrigin: false }))
  // partytracks' own ICE fetch, for clients not given `iceServers`: the same as /ice-servers.
  .all('/generate-ice-servers', answerIceServers)
  .post('/sessions/new', inRoom, forward('POST', NewSessionRequest))
  .post('/sessions/:sessionId/tracks/new', inRoom, forward('POST', TracksRequest))
  .put('/sessions/:sessionId/renegotiate', inRoom, forward('PUT', RenegotiateRequest))
  .put('/sessions/:sessionId/tracks/close', inRoom, forward('PUT', CloseTracksRequest))
  .put('/sessions/:sessionId/tracks/update', inRoom, forward('PUT', UpdateTracksRequest))
  .get('/sessions/:sessionId', inRoom, forward('GET'))
  /** The debug view: this session's calls through the proxy, oldest first. */
  .get('/sessions/:sessionId/history', inRoom, async (c) => {
    const { room, user } = c.req.valid('query')
    const media = c.env.ROOM_MEDIA.getByName(room)
    const sessionId = c.req.param('sessionId')
    if ((await media.ownerOf(sessionId)) !== user) return refuse(c, 403, 'unauthorized', `Session ${sessionId} is not yours`)
    return c.json({ sessionId, entries: await media.history(sessionId) }, 200)
  })
