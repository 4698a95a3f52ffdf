import { problem, problemTypes } from '@tangerine/contracts'
import { ThirdPartyQuery } from '@tangerine/contracts/ai/api'
import {
  CloseTracksRequest,
  RenegotiateRequest,
  TracksRequest,
  type ProxyHistoryEntry,
} from '@tangerine/contracts/calls/api'
import { validate } from '@tangerine/contracts/http'
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { callUpstream } from '../calls/upstream.ts'

/*
 * Third-party Calls sessions (the AI's ICE-lite peer) for the ai Worker. Only service bindings
 * reach these routes: the gateway passes browsers nothing but `/partytracks`. A session made here
 * is claimed for its room under an owner no browser user id can have, so browsers in the room
 * may pull its tracks, and only this route may drive it.
 */

/** Browser user ids are `[A-Za-z0-9_-]{8,64}`, so this owner cannot be claimed by one. */
export const AI_OWNER = 'service:ai'

type C = Context<AppEnv>

const notOurs = (c: C, sessionId: string) =>
  c.json(
    problem(403, 'Not an AI session', {
      type: problemTypes.unauthorized,
      detail: `Session ${sessionId} is not this room's AI session`,
    }),
    403,
  )

async function relay(
  c: C,
  room: string,
  sessionId: string,
  method: string,
  path: string,
  body: unknown,
  query?: URLSearchParams,
) {
  const upstream = await callUpstream(c.env, method, path, body, query)
  const at = new Date().toISOString()
  const entries: ProxyHistoryEntry[] = [
    { at, type: 'request', method, endpoint: path, body },
    { at, type: 'response', method, endpoint: path, status: upstream.status, body: upstream.body },
  ]
  await c.env.ROOM_MEDIA.getByName(room).record(sessionId, entries)
  return c.json(upstream.body as Record<string, unknown>, upstream.status as 200)
}

/** Runs `then` only for the room's AI session. */
async function owned(c: C, then: (room: string, sessionId: string) => Promise<Response>) {
  const { room } = c.req.valid('query' as never) as ThirdPartyQuery
  const sessionId = c.req.param('sessionId') ?? ''
  if ((await c.env.ROOM_MEDIA.getByName(room).ownerOf(sessionId)) !== AI_OWNER) return notOurs(c, sessionId)
  return then(room, sessionId)
}

const inRoom = validate('query', ThirdPartyQuery)

export const thirdparty = new Hono<AppEnv>()
  .post('/sessions/new', inRoom, async (c) => {
    const { room } = c.req.valid('query')
    const upstream = await callUpstream(
      c.env,
      'POST',
      '/sessions/new',
      undefined,
      new URLSearchParams({ thirdparty: 'true', correlationId: room }),
    )
    const sessionId = upstream.status < 300 ? (upstream.body as { sessionId?: string }).sessionId : undefined
    if (sessionId) await c.env.ROOM_MEDIA.getByName(room).claim(sessionId, AI_OWNER, new Date().toISOString())
    return c.json(upstream.body as Record<string, unknown>, upstream.status as 201)
  })
  .post('/sessions/:sessionId/tracks/new', inRoom, validate('json', TracksRequest), (c) =>
    owned(c, async (room, sessionId) => {
      const body = c.req.valid('json')
      const remote = (body.tracks ?? []).filter((t) => t.location === 'remote').map((t) => t.sessionId ?? '')
      const { owner } = c.req.valid('query')
      // One look-up for both rules: a session with an owner here is this room's.
      const owners = await c.env.ROOM_MEDIA.getByName(room).ownersOf(remote)
      const notTheirs = owner ? remote.find((id) => owners[id] !== owner) : undefined
      if (notTheirs !== undefined) {
        return c.json(
          problem(403, 'Not their track', {
            type: problemTypes.unauthorized,
            detail: `Session ${notTheirs} is not ${owner}'s`,
          }),
          403,
        )
      }
      const foreign = [...new Set(remote)].filter((id) => owners[id] === undefined)
      if (foreign.length > 0) {
        return c.json(
          problem(403, 'Not this room', {
            type: problemTypes.unauthorized,
            detail: `Sessions ${foreign.join(', ')} are not in room ${room}`,
          }),
          403,
        )
      }
      return relay(c, room, sessionId, 'POST', `/sessions/${sessionId}/tracks/new`, body)
    }),
  )
  .put('/sessions/:sessionId/renegotiate', inRoom, validate('json', RenegotiateRequest), (c) =>
    owned(c, (room, sessionId) =>
      relay(c, room, sessionId, 'PUT', `/sessions/${sessionId}/renegotiate`, c.req.valid('json')),
    ),
  )
  .put('/sessions/:sessionId/tracks/close', inRoom, validate('json', CloseTracksRequest), (c) =>
    owned(c, (room, sessionId) =>
      relay(c, room, sessionId, 'PUT', `/sessions/${sessionId}/tracks/close`, c.req.valid('json')),
    ),
  )
  .get('/sessions/:sessionId', inRoom, (c) =>
    owned(c, (room, sessionId) => relay(c, room, sessionId, 'GET', `/sessions/${sessionId}`, undefined)),
  )
