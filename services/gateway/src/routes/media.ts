import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { forwardRequest } from '../forward.ts'

/**
 * The browser's Calls API (partytracks' prefix is `/api/partytracks`), passed to the media
 * Worker, which holds the Calls secret, with the caller's identity attached.
 */
export const media = new Hono<AppEnv>().all('/*', (c) => {
  const url = new URL(c.req.url)
  url.pathname = url.pathname.replace(/^\/api\/partytracks/, '/partytracks')
  return c.env.MEDIA.fetch(forwardRequest(c.req.raw, c.get('identity'), url))
})

/** `GET /api/ice-servers`: the browser's STUN and TURN servers, with a fresh TURN credential. */
export const iceServers = new Hono<AppEnv>().get('/', (c) => {
  const url = new URL(c.req.url)
  url.pathname = '/ice-servers'
  return c.env.MEDIA.fetch(forwardRequest(c.req.raw, c.get('identity'), url))
})

/** `/api/admin/turn/*`: TURN key administration; the media Worker checks the admin token. */
export const turnAdmin = new Hono<AppEnv>().all('/*', (c) => {
  const url = new URL(c.req.url)
  url.pathname = url.pathname.replace(/^\/api\/admin\/turn/, '/turn')
  return c.env.MEDIA.fetch(forwardRequest(c.req.raw, c.get('identity'), url))
})
