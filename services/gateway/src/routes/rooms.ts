import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { forwardRequest } from '../forward.ts'

/**
 * Room sockets, passed through the ROOMS binding with the caller's identity attached (which
 * `requireIdentity` guarantees). The rooms Worker validates names and queries itself.
 */
export const rooms = new Hono<AppEnv>().get('/:name/ws', async (c) => {
  const url = new URL(c.req.url)
  url.pathname = url.pathname.replace(/^\/api\/rooms\//, '/rooms/')
  return c.env.ROOMS.fetch(forwardRequest(c.req.raw, c.get('identity'), url))
})
