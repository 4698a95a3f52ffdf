import { Hono, type Handler } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { forwardRequest } from '../forward.ts'

/** Passes the request to the rooms Worker under `/rooms/…` with the caller's identity attached. */
const toRooms: Handler<AppEnv> = (c) => {
  const url = new URL(c.req.url)
  url.pathname = url.pathname.replace(/^\/api\/rooms\//, '/rooms/')
  return c.env.ROOMS.fetch(forwardRequest(c.req.raw, c.get('identity'), url))
}

/**
 * Room sockets and the after-call question, passed through the ROOMS binding with the caller's
 * identity (which `requireIdentity` guarantees). The rooms Worker validates names, queries and bodies.
 */
export const rooms = new Hono<AppEnv>().get('/:name/ws', toRooms).post('/:name/quality', toRooms)
