import { forbiddenToOutsiders } from '@tangerine/contracts/ops/operator'
import { log } from '@tangerine/contracts/log'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'
import { resolveOperator } from '../ops/operator.ts'

/** Puts the operator, if the caller is one, in `c.var.operator`; runs after `identity()`. */
export const operator = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    c.set('operator', await resolveOperator(c, c.get('identity')))
    await next()
  })

/** `/api/ops/*`: 403 for everyone who is not an operator, before any service is asked. */
export const requireOperator = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!c.get('operator')) {
      log('warn', 'ops refused', { path: c.req.path, identity: c.get('identity')?.source ?? 'none' })
      return c.json(forbiddenToOutsiders(), 403)
    }
    await next()
  })
