import { decodeIdentity, IDENTITY_HEADER, problem, problemTypes } from '@tangerine/contracts'
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { iceServers } from '../turn/ice-servers.ts'
import { TurnApiError } from '../turn/turn-api.ts'

/**
 * `GET /ice-servers` (the gateway's `/api/ice-servers`): STUN and TURN for whoever the gateway
 * vouches for. A fresh TURN credential each time, so only callers with an identity get one.
 */
export async function answerIceServers(c: Context<AppEnv>) {
  if (!decodeIdentity(c.req.header(IDENTITY_HEADER))) {
    return c.json(
      problem(401, 'No identity', { type: problemTypes.unauthorized, detail: 'ICE servers come through the gateway' }),
      401,
    )
  }
  try {
    return c.json(await iceServers(c.env), 200, { 'cache-control': 'no-store' })
  } catch (err) {
    if (!(err instanceof TurnApiError)) throw err
    console.error(
      JSON.stringify({ level: 'error', msg: 'TURN credentials unavailable', status: err.status, error: err.message }),
    )
    return c.json(
      problem(503, 'TURN unavailable', {
        type: problemTypes.unavailable,
        detail: 'The TURN API did not give credentials; see the media log',
      }),
      503,
    )
  }
}

export const iceServersRoute = new Hono<AppEnv>().get('/', answerIceServers)
