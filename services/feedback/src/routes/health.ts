import { serviceHealth } from '@tangerine/contracts/health'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'

/** Up, and where cards go: a receiver, or the log when FEEDBACK_URL is not set (never the URL itself). */
export const health = new Hono<AppEnv>().get('/', (c) =>
  c.json(
    serviceHealth('feedback', {
      delivery: {
        status: 'ok',
        detail: c.env.FEEDBACK_URL ? 'posting cards to FEEDBACK_URL' : 'FEEDBACK_URL not set: cards are logged',
      },
    }),
    200,
  ),
)
