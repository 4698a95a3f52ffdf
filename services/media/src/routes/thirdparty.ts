import { problem, problemTypes } from '@tangerine/contracts'
import { AI_SERVICE, ThirdPartyQuery } from '@tangerine/contracts/ai/api'
import { CloseTracksRequest, RenegotiateRequest, TracksRequest } from '@tangerine/contracts/calls/api'
import { validate } from '@tangerine/contracts/http'
import { Hono, type Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { timing } from 'hono/timing'
import type { AppEnv } from '../app-env.ts'
import { relay } from '../calls/relay.ts'

/*
 * Third-party Calls sessions (the AI's ICE-lite peer) for the ai Worker. Only service bindings
 * reach these routes: the gateway passes browsers nothing but `/partytracks`. A session made here
 * is claimed for its room under `AI_SERVICE`, an owner no browser user id can be, so browsers in
 * the room may pull its tracks, and only this route may drive it.
 */

type C = Context<AppEnv>

const refuse = (c: C, title: string, detail: string) =>
  c.json(problem(403, title, { type: problemTypes.unauthorized, detail }), 403)

const inRoom = validate('query', ThirdPartyQuery)

/** Lets a call that drives a session through only when it is the room's AI session. */
const aiSessionOnly = createMiddleware<AppEnv, string, { out: { query: ThirdPartyQuery } }>(async (c, next) => {
  const sessionId = c.req.param('sessionId') ?? ''
  if ((await c.env.ROOM_MEDIA.getByName(c.req.valid('query').room).ownerOf(sessionId)) !== AI_SERVICE) {
    return refuse(c, 'Not an AI session', `Session ${sessionId} is not this room's AI session`)
  }
  await next()
})

/**
 * Relays a call that drives the AI session. Its history is written before the answer: the ai
 * Worker's calls are not on anyone's join path.
 */
function driveAiSession(c: C, room: string, method: string, path: string, body: unknown) {
  const sessionId = c.req.param('sessionId') ?? ''
  return relay(c, room, {
    method,
    path: `/sessions/${sessionId}${path}`,
    body,
    sessionId,
    owner: AI_SERVICE,
    recordFirst: true,
  })
}

export const thirdparty = new Hono<AppEnv>()
  .use(timing({ total: false, crossOrigin: false }))
  .post('/sessions/new', inRoom, (c) => {
    const { room } = c.req.valid('query')
    const query = new URLSearchParams({ thirdparty: 'true', correlationId: room })
    return relay(c, room, {
      method: 'POST',
      path: '/sessions/new',
      body: undefined,
      query,
      owner: AI_SERVICE,
      recordFirst: true,
    })
  })
  .post('/sessions/:sessionId/tracks/new', inRoom, validate('json', TracksRequest), aiSessionOnly, async (c) => {
    const { room, owner } = c.req.valid('query')
    const body = c.req.valid('json')
    const remote = (body.tracks ?? []).filter((t) => t.location === 'remote').map((t) => t.sessionId ?? '')
    // One look-up for both rules: a session with an owner here is this room's.
    const owners = await c.env.ROOM_MEDIA.getByName(room).ownersOf(remote)
    const notTheirs = owner ? remote.find((id) => owners[id] !== owner) : undefined
    if (notTheirs !== undefined) return refuse(c, 'Not their track', `Session ${notTheirs} is not ${owner}'s`)
    const foreign = [...new Set(remote)].filter((id) => owners[id] === undefined)
    if (foreign.length > 0) return refuse(c, 'Not this room', `Sessions ${foreign.join(', ')} are not in room ${room}`)
    return driveAiSession(c, room, 'POST', '/tracks/new', body)
  })
  .put('/sessions/:sessionId/renegotiate', inRoom, validate('json', RenegotiateRequest), aiSessionOnly, (c) =>
    driveAiSession(c, c.req.valid('query').room, 'PUT', '/renegotiate', c.req.valid('json')),
  )
  .put('/sessions/:sessionId/tracks/close', inRoom, validate('json', CloseTracksRequest), aiSessionOnly, (c) =>
    driveAiSession(c, c.req.valid('query').room, 'PUT', '/tracks/close', c.req.valid('json')),
  )
  .get('/sessions/:sessionId', inRoom, aiSessionOnly, (c) =>
    driveAiSession(c, c.req.valid('query').room, 'GET', '', undefined),
  )
