import { ownsUserId, problem, problemTypes, RoomParam, RoomSocketQuery } from '@tangerine/contracts'
import { validate } from '@tangerine/contracts/http'
import { forwardedIdentity } from '@tangerine/contracts/identity-middleware'
import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { RoomAiCommand } from '@tangerine/contracts/ai/api'
import * as z from 'zod'
import type { AppEnv } from '../app-env.ts'

const EventsQuery = z.strictObject({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})

const webSocketOnly = createMiddleware(async (c, next) => {
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
    return c.json(problem(426, 'Upgrade required', { detail: 'This is a WebSocket endpoint' }), 426)
  }
  await next()
})

export const rooms = new Hono<AppEnv>()
  /** The room socket. Reached only through the gateway, which sets the identity header. */
  .get(
    '/:name/ws',
    validate('param', RoomParam),
    validate('query', RoomSocketQuery),
    webSocketOnly,
    forwardedIdentity({ required: true, detail: 'Join through the lobby first' }),
    async (c) => {
      if (!ownsUserId(c.var.identity, c.req.valid('query')._pk ?? '')) {
        return c.json(
          problem(403, 'Not your user id', {
            type: problemTypes.unauthorized,
            detail: 'A room user id must start with your user key (see GET /api/session)',
          }),
          403,
        )
      }
      return c.env.ROOM.getByName(c.req.valid('param').name).fetch(c.req.raw)
    },
  )
  /**
   * The ai Worker's commands (invite, joined, failed, dismissed, control). Service bindings only:
   * the gateway routes nothing but the socket here. A refusal is a 409/403/404 problem.
   */
  .post('/:name/ai', validate('param', RoomParam), validate('json', RoomAiCommand), async (c) => {
    const result = await c.env.ROOM.getByName(c.req.valid('param').name).runAiCommand(c.req.valid('json'))
    if (result.ok) return c.json(result, 200)
    const status = result.code === 'not_joined' ? 403 : result.code === 'unknown_user' ? 404 : 409
    return c.json(
      problem(status, 'Refused by the room', {
        type: problemTypes.room[result.code],
        detail: result.error,
      }),
      status,
    )
  })
  /** Read-only, for the ops dashboard: the room state, its log position and its log's health. */
  .get('/:name', validate('param', RoomParam), async (c) => {
    return c.json(await c.env.ROOM.getByName(c.req.valid('param').name).getState(), 200)
  })
  /** Read-only, for the ops dashboard: log rows and gaps that loading set aside, newest first, paged with `before`. */
  .get('/:name/quarantine', validate('param', RoomParam), validate('query', EventsQuery), async (c) => {
    const { before, limit } = c.req.valid('query')
    const { entries } = await c.env.ROOM.getByName(c.req.valid('param').name).getQuarantine(before, limit)
    const last = entries.at(-1)
    return c.json({ entries, next: last && last.id > 1 ? last.id : undefined }, 200)
  })
  /** Read-only, for the ops dashboard: the log, newest first, paged with `before`. */
  .get('/:name/events', validate('param', RoomParam), validate('query', EventsQuery), async (c) => {
    const { before, limit } = c.req.valid('query')
    const page = await c.env.ROOM.getByName(c.req.valid('param').name).getEvents(before, limit)
    const last = page.events.at(-1)
    return c.json({ ...page, next: last && last.seq > 1 ? last.seq : undefined }, 200)
  })
