import { HealthQuery } from '@tangerine/contracts/health'
import { validate } from '@tangerine/contracts/http'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { systemHealth } from '../clients/system-health.ts'

export const health = new Hono<AppEnv>().get('/', validate('query', HealthQuery), async (c) => {
  const body = await systemHealth(c.env, c.req.valid('query').service)
  return c.json(body, body.status === 'ok' ? 200 : 503)
})
