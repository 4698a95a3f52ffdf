import type { Context, Env, Handler } from 'hono'
import { CallsError } from '../errors.ts'

/** Every API path also takes one trailing slash (Calls clients differ), but not two. */
export const withSlash = (...paths: string[]) => paths.flatMap((path) => [path, `${path}/`])

/** The raw path, percent-encoding kept, as the error names it. */
export const rawPath = (c: Context) => new URL(c.req.url).pathname

export const noRoute = (c: Context) =>
  new CallsError(404, 'not_found', `No route for ${c.req.method} ${rawPath(c).slice(0, 200)}`)

/**
 * hono answers HEAD with the GET route; the API has never served HEAD, so here it passes on
 * to whatever answers a method a path does not take.
 */
export const getOnly =
  <E extends Env>(handler: Handler<E>): Handler<E> =>
  (c, next) =>
    c.req.method === 'HEAD' ? next() : handler(c, next)
