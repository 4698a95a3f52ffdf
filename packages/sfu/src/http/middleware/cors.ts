import { createMiddleware } from 'hono/factory'

/**
 * Browsers call the API directly: every answer, errors included, allows the caller's origin
 * and headers, and a preflight on any path is `200 {}`. Not hono's `cors()`: it answers
 * preflights 204 with no body and puts the allow headers on preflights only.
 */
export const cors = () =>
  createMiddleware(async (c, next) => {
    if (c.req.method === 'OPTIONS') c.res = c.json({})
    else await next()
    c.header('Vary', 'Origin')
    c.header('Access-Control-Allow-Origin', c.req.header('origin') ?? '*')
    c.header('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS')
    c.header(
      'Access-Control-Allow-Headers',
      c.req.header('access-control-request-headers') ?? 'Authorization, Content-Type',
    )
    c.header('Access-Control-Max-Age', '600')
  })
