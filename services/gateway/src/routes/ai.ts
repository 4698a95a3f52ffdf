import { Hono, type Handler } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { forwardRequest } from '../forward.ts'

/** Passes the request to the ai Worker under `/rooms/…` with the caller's identity attached. */
const toAi: Handler<AppEnv> = (c) => {
  const url = new URL(c.req.url)
  url.pathname = url.pathname.replace(/^\/api\/rooms\//, '/rooms/')
  return c.env.AI.fetch(forwardRequest(c.req.raw, c.get('identity'), url))
}

/**
 * A room's AI participant (invite, dismiss, push-to-talk and release), mounted under
 * `/api/rooms` behind `requireIdentity`. The ai Worker checks the caller is in the room.
 */
export const ai = new Hono<AppEnv>().post('/:name/ai', toAi).post('/:name/ai/:action{dismiss|control|release}', toAi)
