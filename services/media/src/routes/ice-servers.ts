import { problem, problemTypes } from '@tangerine/contracts'
import { forwardedIdentity } from '@tangerine/contracts/identity-middleware'
import { log } from '@tangerine/contracts/log'
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { iceServers } from '../turn/ice-servers.ts'
import { TurnApiError } from '../turn/turn-api.ts'

/** A fresh TURN credential each time, so only callers the gateway vouches for get one. */
export const iceIdentity = forwardedIdentity({ required: true, detail: 'ICE servers come through the gateway' })

/** `GET /ice-servers` (the gateway's `/api/ice-servers`), behind `iceIdentity`: STUN and TURN. */
export async function answerIceServers(c: Context<AppEnv>) {
  try {
    return c.json(await iceServers(c.env), 200, { 'cache-control': 'no-store' })
  } catch (err) {
    if (!(err instanceof TurnApiError)) throw err
    log('error', 'TURN credentials unavailable', { status: err.status, error: err.message })
    return c.json(
      problem(503, 'TURN unavailable', {
        type: problemTypes.unavailable,
        detail: 'The TURN API did not give credentials; see the media log',
      }),
      503,
    )
  }
}

export const iceServersRoute = new Hono<AppEnv>().get('/', iceIdentity, answerIceServers)
