import { memberOf, problem, problemTypes, RoomParam } from '@tangerine/contracts'
import { AiControlRequest, AiUserRequest, InviteAiRequest, type RoomAiResult } from '@tangerine/contracts/ai/api'
import { validate } from '@tangerine/contracts/http'
import { forwardedIdentity, type WithIdentity } from '@tangerine/contracts/identity-middleware'
import { log } from '@tangerine/contracts/log'
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { aiCalls, CallsStepError } from '../participant/calls.ts'
import { endAiCall } from '../participant/end.ts'
import { inviteAi } from '../participant/invite.ts'
import { decideInRoom, roomState } from '../participant/room.ts'

/*
 * The AI participant of one room, reached from the browser through the gateway
 * (`/api/rooms/{name}/ai…`), which sets the identity header. Every call comes from someone in
 * the room; the room decides whether it may happen (one invitation, one controller at a time).
 */

type C = Context<AppEnv & WithIdentity>

const identified = forwardedIdentity({ required: true, detail: 'Calls come through the gateway' })
const notInRoom = (c: C, room: string) =>
  c.json(
    problem(403, 'Not in this room', { type: problemTypes.unauthorized, detail: `You are not in room ${room}` }),
    403,
  )
const refused = (c: C, result: Extract<RoomAiResult, { ok: false }>) =>
  c.json(
    problem(409, 'Refused by the room', {
      type: problemTypes.room[result.code],
      detail: result.error,
    }),
    409,
  )
const failed = (c: C, detail: string) =>
  c.json(problem(502, 'The AI could not do that', { type: problemTypes.unavailable, detail }), 502)

/** The caller, checked against the room: the user id must be theirs (its key) and in the room. */
async function caller(c: C, room: string, userId: string) {
  const state = await roomState(c.env, room)
  const user = memberOf(state, userId, c.var.identity)
  return user ? { user, state } : { res: notInRoom(c, room) }
}

export const ai = new Hono<AppEnv>()
  /** Invite: answers when the AI has joined (201) or failed (502); the room shows both. */
  .post('/:name/ai', validate('param', RoomParam), validate('json', InviteAiRequest), identified, async (c) => {
    const room = c.req.valid('param').name
    const body = c.req.valid('json')
    const who = await caller(c, room, body.user)
    if ('res' in who) return who.res
    const outcome = await inviteAi(c.env, room, body, c.var.identity.key ?? who.user.id)
    if (outcome.ok) return c.json(outcome.session, 201)
    return 'refused' in outcome ? refused(c, outcome.refused) : failed(c, outcome.failed)
  })
  /**
   * Dismiss: the AI's Calls tracks close first, so it is silent by the time everyone sees it go;
   * then the room records who sent it away and hands over what it held, and the OpenAI call is
   * hung up before the answer.
   */
  .post('/:name/ai/dismiss', validate('param', RoomParam), validate('json', AiUserRequest), identified, async (c) => {
    const room = c.req.valid('param').name
    const who = await caller(c, room, c.req.valid('json').user)
    if ('res' in who) return who.res
    const sessionId = who.state.ai.status === 'joined' ? who.state.ai.sessionId : undefined
    if (sessionId) {
      await aiCalls(c.env, room)
        .closeAll(sessionId)
        .catch((err: unknown) =>
          log('error', 'ai dismiss: closing tracks failed', { room, sessionId, error: String(err) }),
        )
    }
    const result = await decideInRoom(c.env, room, { type: 'DismissAi', by: `user:${who.user.id}` })
    if (!result.ok) return refused(c, result)
    // Failures are logged inside; Calls ends a trackless session by itself.
    if (result.ended) await endAiCall(c.env, room, result.ended).catch(() => undefined)
    return c.json({ ai: result.state.ai }, 200)
  })
  /** Push-to-talk: the room gives the caller control, then the AI's transceiver hears their track. */
  .post(
    '/:name/ai/control',
    validate('param', RoomParam),
    validate('json', AiControlRequest),
    identified,
    async (c) => {
      const room = c.req.valid('param').name
      const body = c.req.valid('json')
      const who = await caller(c, room, body.user)
      if ('res' in who) return who.res
      const taken = await decideInRoom(c.env, room, { type: 'TakeAiControl', userId: who.user.id })
      if (!taken.ok) return refused(c, taken)
      const sessionId = taken.state.ai.status === 'joined' ? taken.state.ai.sessionId : undefined
      try {
        if (!sessionId) throw new CallsStepError('The AI has no Calls session')
        await aiCalls(c.env, room).feed(sessionId, body.track, who.user.id)
      } catch (err) {
        await decideInRoom(c.env, room, { type: 'ReleaseAiControl', userId: who.user.id })
        return failed(c, err instanceof CallsStepError ? err.message : 'The AI could not hear you (internal error)')
      }
      return c.json({ ai: taken.state.ai }, 200)
    },
  )
  /** Release: the room frees the AI for someone else; the caller closes the track it fed. */
  .post('/:name/ai/release', validate('param', RoomParam), validate('json', AiUserRequest), identified, async (c) => {
    const room = c.req.valid('param').name
    const who = await caller(c, room, c.req.valid('json').user)
    if ('res' in who) return who.res
    const result = await decideInRoom(c.env, room, { type: 'ReleaseAiControl', userId: who.user.id })
    if (!result.ok) return refused(c, result)
    return c.json({ ai: result.state.ai }, 200)
  })
