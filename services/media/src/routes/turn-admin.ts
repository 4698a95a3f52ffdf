import { problem, problemTypes } from '@tangerine/contracts'
import { log } from '@tangerine/contracts/log'
import { operatorName } from '@tangerine/contracts/ops/operator'
import { requireOperator, type WithOperator } from '@tangerine/contracts/ops/require-operator'
import { RenameTurnKeyRequest, RotateTurnKeyRequest, TurnUsername } from '@tangerine/contracts/calls/turn'
import { onError, validate } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import * as z from 'zod'
import type { AppEnv } from '../app-env.ts'
import { credentialTtl, turnKeys } from '../turn/ice-servers.ts'
import { TurnApiError, unwrap } from '../turn/turn-api.ts'

const KeyParam = z.object({ uid: z.string().min(1).max(128) })
const UsernameParam = z.object({ username: TurnUsername })

/**
 * TURN key administration, for operators only (the gateway's `/api/ops/turn/*`). Each change is
 * logged with the operator who made it.
 */
export const turnAdmin = new Hono<AppEnv & WithOperator>()
  .use(requireOperator())
  .get('/keys', async (c) => c.json({ keys: unwrap(await turnKeys(c.env).list()) }, 200))
  /** A new active key; the old one keeps working for `overlapSeconds` (default: the credential TTL) so live meetings go on. */
  .post('/keys/rotate', validate('json', RotateTurnKeyRequest), async (c) => {
    const { overlapSeconds = credentialTtl(c.env) } = c.req.valid('json')
    const rotated = unwrap(await turnKeys(c.env).rotate(overlapSeconds))
    log('info', 'turn key rotated', { by: operatorName(c.var.operator), overlapSeconds })
    return c.json(rotated, 200)
  })
  .patch('/keys/:uid', validate('param', KeyParam), validate('json', RenameTurnKeyRequest), async (c) => {
    const { uid } = c.req.valid('param')
    const renamed = unwrap(await turnKeys(c.env).rename(uid, c.req.valid('json').name))
    log('info', 'turn key renamed', { by: operatorName(c.var.operator), uid })
    return c.json(renamed, 200)
  })
  .delete('/keys/:uid', validate('param', KeyParam), async (c) => {
    const { uid } = c.req.valid('param')
    if (!unwrap(await turnKeys(c.env).delete(uid))) {
      return c.json(problem(409, 'Active key', { detail: `${uid} is the active TURN key: rotate first` }), 409)
    }
    log('info', 'turn key deleted', { by: operatorName(c.var.operator), uid })
    return c.body(null, 204)
  })
  .post('/credentials/:username/revoke', validate('param', UsernameParam), async (c) => {
    unwrap(await turnKeys(c.env).revoke(c.req.valid('param').username))
    log('info', 'turn credential revoked', {
      by: operatorName(c.var.operator),
      username: c.req.valid('param').username,
    })
    return c.body(null, 204)
  })
  .onError((err, c) => {
    if (!(err instanceof TurnApiError)) return onError(err, c)
    const status = err.status === 404 ? 404 : 502
    return c.json(
      problem(status, status === 404 ? 'Not found at the TURN API' : 'TURN API failed', {
        type: status === 404 ? problemTypes.notFound : problemTypes.unavailable,
        detail: err.message,
      }),
      status,
    )
  })
