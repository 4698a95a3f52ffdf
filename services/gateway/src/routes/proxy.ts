import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { forwardRequest } from '../forward.ts'

type Binding = 'ROOMS' | 'AI' | 'MEDIA' | 'FEEDBACK'

/**
 * One API route the gateway passes to a Worker behind it: `method` and hono `path` as the browser
 * calls it, the Worker's `binding`, and its `prefix` rewritten to what that Worker serves. Only
 * what is listed gets through: the Workers' operator routes (room state, logs) are not.
 */
export interface Proxy {
  method: 'GET' | 'POST' | 'ALL'
  path: string
  binding: Binding
  rewrite: { prefix: string; to: string }
}

const toRooms = { prefix: '/api/rooms/', to: '/rooms/' }

export const proxies: readonly Proxy[] = [
  // Room sockets and the after-call question; the rooms Worker validates names, queries and bodies.
  { method: 'GET', path: '/api/rooms/:name/ws', binding: 'ROOMS', rewrite: toRooms },
  { method: 'POST', path: '/api/rooms/:name/quality', binding: 'ROOMS', rewrite: toRooms },
  // A room's AI participant (invite, dismiss, push-to-talk, release); the ai Worker checks the caller is in the room.
  { method: 'POST', path: '/api/rooms/:name/ai', binding: 'AI', rewrite: toRooms },
  { method: 'POST', path: '/api/rooms/:name/ai/:action{dismiss|control|release}', binding: 'AI', rewrite: toRooms },
  // The browser's Calls API (partytracks' prefix), to the media Worker, which holds the Calls secret.
  {
    method: 'ALL',
    path: '/api/partytracks/*',
    binding: 'MEDIA',
    rewrite: { prefix: '/api/partytracks', to: '/partytracks' },
  },
  // The browser's STUN and TURN servers, with a fresh TURN credential.
  {
    method: 'GET',
    path: '/api/ice-servers',
    binding: 'MEDIA',
    rewrite: { prefix: '/api/ice-servers', to: '/ice-servers' },
  },
  // Problem reports. They need no identity (the landing page has none); the feedback Worker
  // limits them per caller.
  {
    method: 'ALL',
    path: '/api/feedback/*',
    binding: 'FEEDBACK',
    rewrite: { prefix: '/api/feedback', to: '/feedback' },
  },
]

const toOps = { prefix: '/api/ops/', to: '/ops/' }

/**
 * The operators' API, each part to the Worker that owns it; `requireOperator` has let only
 * operators this far, and only these requests carry the operator header.
 */
export const opsProxies: readonly Proxy[] = [
  // A room's Calls sessions are the media Worker's; the rest of a room is the rooms Worker's.
  { method: 'GET', path: '/api/ops/rooms/:name/calls', binding: 'MEDIA', rewrite: toOps },
  { method: 'GET', path: '/api/ops/rooms', binding: 'ROOMS', rewrite: toOps },
  { method: 'GET', path: '/api/ops/rooms/*', binding: 'ROOMS', rewrite: toOps },
  // An operator's actions on a meeting; the room logs each with the operator's name.
  { method: 'POST', path: '/api/ops/rooms/:name/end', binding: 'ROOMS', rewrite: toOps },
  { method: 'POST', path: '/api/ops/rooms/:name/users/:userId/remove', binding: 'ROOMS', rewrite: toOps },
  { method: 'GET', path: '/api/ops/meetings', binding: 'ROOMS', rewrite: toOps },
  { method: 'ALL', path: '/api/ops/turn/*', binding: 'MEDIA', rewrite: toOps },
  { method: 'ALL', path: '/api/ops/feedback/*', binding: 'FEEDBACK', rewrite: toOps },
]

const rewritten = (requestUrl: string, rewrite: Proxy['rewrite']) => {
  const url = new URL(requestUrl)
  if (url.pathname.startsWith(rewrite.prefix)) url.pathname = rewrite.to + url.pathname.slice(rewrite.prefix.length)
  return url
}

/** Every proxied route, one handler: rewrite the path, then forward with the caller's identity attached. */
export const proxied = proxies.reduce(
  (app, { method, path, binding, rewrite }) =>
    app.on(method, path, (c) =>
      c.env[binding].fetch(forwardRequest(c.req.raw, c.get('identity'), rewritten(c.req.url, rewrite))),
    ),
  new Hono<AppEnv>(),
)

/** The ops routes, forwarded with the operator the gateway established. */
export const opsProxied = opsProxies.reduce(
  (app, { method, path, binding, rewrite }) =>
    app.on(method, path, (c) =>
      c.env[binding].fetch(
        forwardRequest(c.req.raw, c.get('identity'), rewritten(c.req.url, rewrite), c.get('operator')),
      ),
    ),
  new Hono<AppEnv>(),
)
