import { problem, problemTypes, RoomParam } from '@tangerine/contracts'
import { validate } from '@tangerine/contracts/http'
import {
  MeetingsHistoryQuery,
  OpsRoomUserParam,
  type OperatorAction,
  type OpsRoomNow,
  type OperatorActionResult,
  OpsEventsQuery,
  OpsStateQuery,
  type LiveRooms,
  type RoomsOverview,
} from '@tangerine/contracts/ops/api'
import { operatorName } from '@tangerine/contracts/ops/operator'
import { requireOperator, type WithOperator } from '@tangerine/contracts/ops/require-operator'
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { meetingsHistory, meetingTotals } from '../ops/meeting-stats.ts'
import { REGISTRY_NAME } from '../registry/room-registry.ts'

const registry = (env: RoomsEnv) => env.REGISTRY.getByName(REGISTRY_NAME)

/** The room decides, as for its host; the answer says what it did, or why not (404, 409). */
async function act(c: Context<AppEnv & WithOperator>, room: string, action: OperatorAction) {
  const result: OperatorActionResult = await c.env.ROOM.getByName(room).runOperatorAction(
    action,
    operatorName(c.var.operator),
  )
  if (result.ok) return c.json(result, 200)
  const status = result.code === 'unknown_user' ? 404 : 409
  return c.json(
    problem(status, 'Refused by the room', { type: problemTypes.room[result.code], detail: result.error }),
    status,
  )
}

/** The operators' view of rooms and meetings (the gateway's `/api/ops/rooms*`, `/api/ops/meetings`). */
export const ops = new Hono<AppEnv & WithOperator>()
  .use(requireOperator())
  .get('/overview', async (c) => {
    const [live, totals] = await Promise.all([registry(c.env).list(), meetingTotals(c.env.DB)])
    const body: RoomsOverview = {
      roomsLive: live.length,
      peopleInMeetings: live.reduce((sum, r) => sum + r.people, 0),
      ...totals,
    }
    return c.json(body, 200)
  })
  .get('/rooms', async (c) => c.json({ rooms: await registry(c.env).list() } satisfies LiveRooms, 200))
  /** The room's state now, its log position and its log's health (quarantine counts). */
  .get('/rooms/:name', validate('param', RoomParam), async (c) =>
    c.json((await c.env.ROOM.getByName(c.req.valid('param').name).getState()) satisfies OpsRoomNow, 200),
  )
  .get('/rooms/:name/events', validate('param', RoomParam), validate('query', OpsEventsQuery), async (c) =>
    c.json(await c.env.ROOM.getByName(c.req.valid('param').name).getOpsEvents(c.req.valid('query')), 200),
  )
  .get('/rooms/:name/state', validate('param', RoomParam), validate('query', OpsStateQuery), async (c) => {
    const at = await c.env.ROOM.getByName(c.req.valid('param').name).getStateAt(c.req.valid('query').seq)
    if (at.latest === 0) {
      return c.json(problem(404, 'No such room', { type: problemTypes.notFound, detail: 'Its log is empty' }), 404)
    }
    return c.json(at, 200)
  })
  .post('/rooms/:name/end', validate('param', RoomParam), async (c) =>
    act(c, c.req.valid('param').name, { type: 'endMeeting' }),
  )
  .post('/rooms/:name/users/:userId/remove', validate('param', OpsRoomUserParam), async (c) =>
    act(c, c.req.valid('param').name, { type: 'removeUser', userId: c.req.valid('param').userId }),
  )
  .get('/meetings', validate('query', MeetingsHistoryQuery), async (c) =>
    c.json(await meetingsHistory(c.env.DB, c.req.valid('query').days), 200),
  )
