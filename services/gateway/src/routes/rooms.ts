import { problem, problemTypes } from '@tangerine/contracts'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { forwardRequest } from '../forward.ts'

/**
 * Room sockets and the rooms service's read API, passed through the ROOMS binding with the
 * caller's identity attached. The rooms Worker validates names and queries itself.
 */
export const rooms = new Hono<AppEnv>().get('/:name/*', async (c) => {
  const who = c.get('identity')
  if (!who) {
    return c.json(
      problem(401, 'No identity', { type: problemTypes.unauthorized, detail: 'Choose a name in the lobby first' }),
      401,
    )
  }
  const url = new URL(c.req.url)
  url.pathname = url.pathname.replace(/^\/api\/rooms\//, '/rooms/')
  return c.env.ROOMS.fetch(forwardRequest(c.req.raw, who, url))
})
