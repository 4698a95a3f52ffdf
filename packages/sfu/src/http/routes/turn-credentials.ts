import { Hono, type Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { METHOD_NAME_ALL } from 'hono/router'
import { GenerateIceServersRequest, TurnUsername } from '@tangerine/contracts/calls/turn'
import { CallsError } from '../../errors.ts'
import type { TurnService } from '../../turn/service.ts'
import { limitBody, parseBody } from '../body.ts'
import { bearer } from '../middleware/app-secret.ts'
import { turnEnabled, type TurnEnv } from '../middleware/turn-enabled.ts'
import { withSlash } from '../routing.ts'

/*
 * Cloudflare's TURN credential API beside the Calls API (`[/v1]/turn/keys/{keyId}/credentials/…`),
 * the TURN key itself as bearer.
 */

export interface TurnCredentialRouteDeps {
  turn?: TurnService
  maxBodyBytes: number
}

const credentials = '/turn/keys/:keyId/credentials'
const generate = withSlash(`${credentials}/generate-ice-servers`)
/** The older form: one object rather than the list. */
const generateOne = withSlash(`${credentials}/generate`)
const revoke = withSlash(`${credentials}/:username/revoke`)

export function turnCredentialRoutes(deps: TurnCredentialRouteDeps) {
  const keyAuth = createMiddleware<TurnEnv>(async (c, next) => {
    if (!c.var.turn.store.authorizeKey(c.req.param('keyId') ?? '', bearer(c.req.header('authorization')))) {
      throw new CallsError(401, 'unauthorized', 'Missing or wrong TURN key')
    }
    await next()
  })
  const issue = async (c: Context<TurnEnv>) => {
    const { turn } = c.var
    const { ttl } = parseBody(GenerateIceServersRequest, await c.req.text())
    return turn.iceServers(turn.store.issue(c.req.param('keyId') ?? '', ttl))
  }
  const app = new Hono<TurnEnv>()
  for (const path of [...generate, ...generateOne, ...revoke]) {
    app.use(
      path,
      turnEnabled(
        deps.turn,
        () => new CallsError(404, 'not_found', 'TURN is not enabled on this SFU (set SFU_TURN_PORT)'),
      ),
    )
  }
  return app
    .on('POST', generate, keyAuth, limitBody(deps.maxBodyBytes), async (c) =>
      c.json({ iceServers: await issue(c) }, 201),
    )
    .on('POST', generateOne, keyAuth, limitBody(deps.maxBodyBytes), async (c) =>
      c.json({ iceServers: (await issue(c))[1] }, 201),
    )
    .on('POST', revoke, keyAuth, limitBody(deps.maxBodyBytes), (c) => {
      const username = c.req.param('username')
      if (!TurnUsername.safeParse(username).success) throw new CallsError(400, 'invalid_params', 'Not a TURN username')
      // Like Cloudflare, revoking an unknown or already revoked username is not an error.
      c.var.turn.store.revoke(c.req.param('keyId'), username)
      return c.body(null, 204)
    })
    .on(METHOD_NAME_ALL, [...generate, ...generateOne, ...revoke], (c) => {
      throw new CallsError(404, 'not_found', `No route for ${c.req.method} on TURN credentials`)
    })
}
