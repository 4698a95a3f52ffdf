/**
 * @module
 * The services' side of the operator check: hono middleware, apart from `operator.ts` so the
 * /ops page, which parses the same schemas, does not bundle hono.
 */
import { createMiddleware } from 'hono/factory'
import { decodeOperator, forbiddenToOutsiders, OPERATOR_HEADER, type Operator } from './operator.ts'

export type WithOperator = { Variables: { operator: Operator } }

/** A service's `/ops/*` routes: only what the gateway forwarded for an operator gets through. */
export const requireOperator = () =>
  createMiddleware<WithOperator>(async (c, next) => {
    const operator = decodeOperator(c.req.header(OPERATOR_HEADER))
    if (!operator) return c.json(forbiddenToOutsiders(), 403)
    c.set('operator', operator)
    await next()
  })
