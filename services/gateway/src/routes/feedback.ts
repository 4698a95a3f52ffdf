import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { forwardRequest } from '../forward.ts'

/**
 * Problem reports, their debug info and the ops endpoints for dead letters, passed to the
 * feedback Worker with the caller's identity. Reports need no identity (the landing page has
 * none); the feedback Worker limits them per caller and checks the admin token itself.
 */
export const feedback = new Hono<AppEnv>().all('/*', (c) => {
  const url = new URL(c.req.url)
  url.pathname = url.pathname.replace(/^\/api\/feedback/, '/feedback')
  return c.env.FEEDBACK.fetch(forwardRequest(c.req.raw, c.get('identity'), url))
})
