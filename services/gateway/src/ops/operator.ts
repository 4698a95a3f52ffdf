import type { Identity } from '@tangerine/contracts'
import { OPS_COOKIE } from '@tangerine/contracts/ops/api'
import type { Operator } from '@tangerine/contracts/ops/operator'
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import { timingSafeEqual } from 'hono/utils/buffer'
import type { AppEnv } from '../app-env.ts'
import { verifyOpsCookie } from './ops-cookie.ts'

/** OPERATOR_EMAILS: comma- or space-separated, compared without case. */
export const operatorEmails = (env: GatewayEnv) =>
  new Set(
    (env.OPERATOR_EMAILS ?? '')
      .split(/[\s,]+/)
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean),
  )

/** Whether `given` is ADMIN_TOKEN; never with none set. Digests compared, so timing says nothing. */
export async function isOperatorToken(given: string | undefined, env: GatewayEnv): Promise<boolean> {
  return !!env.ADMIN_TOKEN && !!given && (await timingSafeEqual(given, env.ADMIN_TOKEN))
}

/**
 * The one operator check. In order: an Access identity (verified by the gateway) whose email is
 * in OPERATOR_EMAILS; `Authorization: Bearer <ADMIN_TOKEN>` (scripts); the operator cookie that
 * `POST /api/ops/session` sets for that token (the dashboard). Anyone else is not an operator,
 * whoever they are in meetings.
 */
export async function resolveOperator(c: Context<AppEnv>, who: Identity | undefined): Promise<Operator | undefined> {
  if (who?.source === 'access' && who.email && operatorEmails(c.env).has(who.email.toLowerCase())) {
    return { via: 'access', email: who.email }
  }
  const bearer = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
  if (await isOperatorToken(bearer, c.env)) return { via: 'token' }
  if (await verifyOpsCookie(getCookie(c, OPS_COOKIE), c.env.ADMIN_TOKEN ?? '')) return { via: 'token' }
  return undefined
}
