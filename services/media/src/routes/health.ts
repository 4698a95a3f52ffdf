import { check, serviceHealth } from '@tangerine/contracts/health'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { callUpstream } from '../calls/upstream.ts'

/**
 * Asks the Calls API about a session that cannot exist: a `session_error` answer proves the API
 * is reachable and takes our secret; 401 means the secret is wrong.
 */
async function callsReachable(env: MediaEnv) {
  const { status, body } = await callUpstream(env, 'GET', '/sessions/tangerine-health-probe', undefined)
  const code = (body as { errorCode?: string }).errorCode
  if (status === 401 || code === 'unauthorized') throw new Error('the Calls API refused the app secret')
  if (code !== 'session_error' && code !== 'not_found') throw new Error(`unexpected answer ${status} ${code ?? ''}`)
}

export const health = new Hono<AppEnv>().get('/', async (c) => {
  const report = serviceHealth('media', { calls: await check(() => callsReachable(c.env)) })
  return c.json(report, report.status === 'ok' ? 200 : 503)
})
