import { zValidator } from '@hono/zod-validator'
import type { Context, ValidationTargets } from 'hono'
import type { z } from 'zod'
import { HTTPException } from 'hono/http-exception'
import { problem, problemTypes, validationProblem } from './errors.ts'
import { log } from './log.ts'

/**
 * The shared hook for every `zValidator`: a failed parse becomes a 400 Problem Details
 * response naming the bad fields, instead of zod's raw safeParse dump.
 */
export function onInvalid(
  result: { success: true } | { success: false; error: z.core.$ZodError; target: keyof ValidationTargets },
  c: Context,
) {
  if (!result.success) {
    return c.json(validationProblem(result.error, `The ${result.target} is not valid.`), 400)
  }
}

/** `zValidator` with `onInvalid` attached: the only way services validate input. */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) {
  return zValidator(target, schema, onInvalid)
}

/** The single `app.onError`: HTTP exceptions keep their status, anything else is a 500 without internals. */
export function onError(err: Error, c: Context) {
  if (err instanceof HTTPException) {
    if (err.status === 413) {
      return c.json(problem(413, 'Payload too large', { type: problemTypes.payloadTooLarge, detail: err.message }), 413)
    }
    return c.json(problem(err.status, err.message || 'Request failed'), err.status)
  }
  log('error', 'unhandled', { path: c.req.path, error: err.message })
  return c.json(problem(500, 'Internal error', { type: problemTypes.internal }), 500)
}

export function notFound(c: Context) {
  return c.json(
    problem(404, 'Not found', { type: problemTypes.notFound, detail: `No route for ${c.req.method} ${c.req.path}` }),
    404,
  )
}

/**
 * The single 429: Problem Details plus Retry-After. The Workers rate-limiting bindings count per
 * 60-second period, so a minute is always long enough.
 */
export function tooManyRequests(c: Context, title: string, detail: string) {
  c.header('retry-after', '60')
  return c.json(problem(429, title, { type: problemTypes.rateLimited, detail }), 429)
}
