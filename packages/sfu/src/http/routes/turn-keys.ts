import { Hono, type Context } from 'hono'
import { METHOD_NAME_ALL } from 'hono/router'
import type { z } from 'zod'
import { CreateTurnKeyRequest, RenameTurnKeyRequest } from '@tangerine/contracts/calls/turn'
import { CallsError, EnvelopeError, envelopeBody } from '../../errors.ts'
import type { TurnService } from '../../turn/service.ts'
import { limitBody, parseBody } from '../body.ts'
import { appSecret } from '../middleware/app-secret.ts'
import { turnEnabled, type TurnEnv } from '../middleware/turn-enabled.ts'
import { getOnly, withSlash } from '../routing.ts'

/*
 * Cloudflare's TURN key management (spec section B) over coturn, with its account API path and
 * envelope (mounted at `/client/v4`), the account's app secret as its API token.
 */

export interface TurnKeyRouteDeps {
  apps: Map<string, string>
  turn?: TurnService
  maxBodyBytes: number
}

const keys = '/accounts/:account/calls/turn_keys'
const key = `${keys}/:keyId`

/** A body that does not parse is the envelope's 400; one over the limit stays the Calls 413. */
function parseEnvelope<S extends z.ZodType>(schema: S, text: string): z.infer<S> {
  try {
    return parseBody(schema, text)
  } catch (err) {
    throw err instanceof CallsError ? new EnvelopeError(400, 7001, err.message) : err
  }
}

const ids = (c: Context) => ({ account: c.req.param('account') ?? '', keyId: c.req.param('keyId') ?? '' })

const missing = (keyId: string) => new EnvelopeError(404, 7003, `TURN key ${keyId.slice(0, 64)} not found`)

export function turnKeyRoutes(deps: TurnKeyRouteDeps) {
  const app = new Hono<TurnEnv>()
  for (const path of withSlash(keys, key)) {
    app.use(
      path,
      appSecret({ apps: deps.apps, param: 'account', unknownApp, wrongSecret }),
      turnEnabled(deps.turn, () => new EnvelopeError(404, 7003, 'TURN is not enabled on this SFU (set SFU_TURN_PORT)')),
    )
  }
  return app
    .on(['POST', 'PUT'], withSlash(keys, key), limitBody(deps.maxBodyBytes))
    .on('POST', withSlash(keys), async (c) => {
      const { name } = parseEnvelope(CreateTurnKeyRequest, await c.req.text())
      return c.json(envelopeBody(c.var.turn.store.createKey(ids(c).account, name ?? '')), 201)
    })
    .on(
      'GET',
      withSlash(keys),
      getOnly<TurnEnv>((c) => c.json(envelopeBody(c.var.turn.store.listKeys(ids(c).account)))),
    )
    .on(
      'GET',
      withSlash(key),
      getOnly<TurnEnv>((c) => {
        const { account, keyId } = ids(c)
        return c.json(envelopeBody(c.var.turn.store.getKey(account, keyId) ?? throwIt(missing(keyId))))
      }),
    )
    .on('PUT', withSlash(key), async (c) => {
      const { account, keyId } = ids(c)
      const { name } = parseEnvelope(RenameTurnKeyRequest, await c.req.text())
      return c.json(envelopeBody(c.var.turn.store.renameKey(account, keyId, name) ?? throwIt(missing(keyId))))
    })
    .on('DELETE', withSlash(key), (c) => {
      const { account, keyId } = ids(c)
      const { store } = c.var.turn
      const found = store.getKey(account, keyId) ?? throwIt(missing(keyId))
      store.deleteKey(account, keyId)
      return c.json(envelopeBody(found))
    })
    .on(METHOD_NAME_ALL, withSlash(keys, key), (c) => {
      throw new EnvelopeError(405, 10405, `${c.req.method} is not allowed here`)
    })
}

const unknownApp = () => new EnvelopeError(404, 7003, 'Account not found')
const wrongSecret = () => new EnvelopeError(401, 10000, 'Authentication error')

function throwIt(err: Error): never {
  throw err
}
