import { RoomParam } from '@tangerine/contracts'
import { validate } from '@tangerine/contracts/http'
import type { RoomCallsSessions } from '@tangerine/contracts/ops/api'
import { requireOperator, type WithOperator } from '@tangerine/contracts/ops/require-operator'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { sfuStats } from '../calls/sfu-stats.ts'
import { turnAdmin } from './turn-admin.ts'

/** The media Worker's part of the operators' API (the gateway's `/api/ops/...`). */
export const ops = new Hono<AppEnv & WithOperator>()
  .use(requireOperator())
  .get('/sfu', async (c) => c.json(await sfuStats(c.env), 200))
  /** Every Calls session of the room with its API history (SDP, ICE candidates: operators only). */
  .get('/rooms/:name/calls', validate('param', RoomParam), async (c) => {
    const { name } = c.req.valid('param')
    const sessions = await c.env.ROOM_MEDIA.getByName(name).opsSessions()
    return c.json({ room: name, sessions } satisfies RoomCallsSessions, 200)
  })
  .route('/turn', turnAdmin)
