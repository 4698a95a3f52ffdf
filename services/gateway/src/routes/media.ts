import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { forwardRequest } from '../forward.ts'

/**
 * The browser's Calls API (partytracks' prefix is `/api/partytracks`), passed to the media
 * Worker, which holds the Calls secret, with the caller's identity attached.
 */
export const media = new Hono<AppEnv>().all('/*', (c) => {
  const url = new URL(c.req.url)
  url.pathname = url.pathname.replace(/^\/api\/partytracks/, '/partytracks')
  return c.env.MEDIA.fetch(forwardRequest(c.req.raw, c.get('identity'), url))
})
