import { check, serviceHealth } from '@tangerine/contracts/health'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'

/** Names outside the room-name alphabet, so the probe can never collide with a real room. */
const PROBE_ROOM = '_health'

export const health = new Hono<AppEnv>().get('/', async (c) => {
  const [durableObject, d1] = await Promise.all([
    check(() => c.env.ROOM.getByName(PROBE_ROOM).ping()),
    check(() => c.env.DB.prepare('SELECT 1').first()),
  ])
  const report = serviceHealth('rooms', { durableObject, d1 })
  return c.json(report, report.status === 'ok' ? 200 : 503)
})
