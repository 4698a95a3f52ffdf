import { problem, problemTypes } from '@tangerine/contracts'
import { validate } from '@tangerine/contracts/http'
import { log } from '@tangerine/contracts/log'
import { OPS_COOKIE, OpsSessionRequest, type OpsSessionResponse } from '@tangerine/contracts/ops/api'
import { Hono } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from '../app-env.ts'
import { OPS_SESSION_MAX_AGE_SECONDS, signOpsCookie } from '../ops/ops-cookie.ts'
import { isOperatorToken } from '../ops/operator.ts'

/** Secure everywhere but a local `http://localhost` (or loopback) dev stack, where browsers would drop it. */
const isLocalHttp = (url: string) => {
  const { protocol, hostname } = new URL(url)
  return protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(hostname)
}

/** Operator sign-in with the token: an HttpOnly, SameSite=Strict cookie scoped to the ops API. */
export const opsSession = new Hono<AppEnv>()
  .get('/', (c) => c.json({ operator: c.get('operator') ?? null } satisfies OpsSessionResponse, 200))
  .post('/', validate('json', OpsSessionRequest), async (c) => {
    if (!(await isOperatorToken(c.req.valid('json').token, c.env))) {
      log('warn', 'ops sign-in refused', { configured: !!c.env.ADMIN_TOKEN })
      return c.json(
        problem(403, 'Wrong operator token', {
          type: problemTypes.forbidden,
          detail: c.env.ADMIN_TOKEN ? 'That is not the ADMIN_TOKEN' : 'ADMIN_TOKEN is not configured',
        }),
        403,
      )
    }
    setCookie(c, OPS_COOKIE, await signOpsCookie(c.env.ADMIN_TOKEN!), {
      httpOnly: true,
      sameSite: 'Strict',
      secure: !isLocalHttp(c.req.url),
      path: '/api/ops',
      maxAge: OPS_SESSION_MAX_AGE_SECONDS,
    })
    log('info', 'operator signed in', { via: 'token' })
    return c.json({ operator: { via: 'token' } } satisfies OpsSessionResponse, 200)
  })
  .delete('/', (c) => {
    deleteCookie(c, OPS_COOKIE, { path: '/api/ops' })
    return c.json({ operator: null } satisfies OpsSessionResponse, 200)
  })
