import { operatorName } from '@tangerine/contracts/ops/operator'
import { problem, problemTypes } from '@tangerine/contracts'
import { tooManyRequests } from '@tangerine/contracts/http'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { createMiddleware } from 'hono/factory'
import { secureHeaders } from 'hono/secure-headers'
import type { AppEnv } from '../app-env.ts'

/** The largest API request body the gateway reads; bigger ones get a 413 before any service sees them. */
export const MAX_API_BODY_BYTES = 64 * 1024

/**
 * The Calls proxy's: partytracks sends the whole session's SDP with every change, and a closing
 * pull in a sixteen-person meeting carries 70–110 KB of it. The same as the SFU's own default
 * (`SFU_MAX_BODY_BYTES`), so the gateway refuses nothing the media plane would take.
 */
export const MAX_CALLS_BODY_BYTES = 1024 * 1024

const isCallsRoute = (path: string) => path.startsWith('/api/partytracks/')

const allowedOrigins = (env: GatewayEnv) =>
  (env.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)

const isAllowedOrigin = (origin: string, requestUrl: string, env: GatewayEnv) =>
  origin === new URL(requestUrl).origin || allowedOrigins(env).includes(origin)

/** Pages and API alike: no framing by others, no sniffing, camera and mic for this origin only. */
export const pageHeaders = () =>
  secureHeaders({
    permissionsPolicy: { camera: ['self'], microphone: ['self'], displayCapture: ['self'], autoplay: ['self'] },
    crossOriginResourcePolicy: 'same-origin',
    referrerPolicy: 'strict-origin-when-cross-origin',
  })

/** CORS only for the operator's listed origins; everyone else gets same-origin browser rules. */
export const strictCors = () =>
  createMiddleware<AppEnv>((c, next) =>
    cors({
      origin: (origin) => (origin && isAllowedOrigin(origin, c.req.url, c.env) ? origin : null),
      credentials: true,
      maxAge: 600,
    })(c, next),
  )

/**
 * Cross-site requests that change things, and cross-site WebSockets, are refused: cookies ride
 * along with them, so the origin is what proves the page is ours.
 */
export const sameOriginWrites = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const origin = c.req.header('origin')
    const writes =
      !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) || c.req.header('upgrade')?.toLowerCase() === 'websocket'
    if (writes && origin && !isAllowedOrigin(origin, c.req.url, c.env)) {
      return c.json(problem(403, 'Cross-origin request refused', { detail: `Origin ${origin} is not allowed` }), 403)
    }
    await next()
  })

const limitBodyTo = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: (c) =>
      c.json(
        problem(413, 'Payload too large', {
          type: problemTypes.payloadTooLarge,
          detail: `Request bodies are at most ${maxSize} bytes`,
        }),
        413,
      ),
  })

const limitApiBody = limitBodyTo(MAX_API_BODY_BYTES)
const limitCallsBody = limitBodyTo(MAX_CALLS_BODY_BYTES)

export const limitBody = () =>
  createMiddleware<AppEnv>((c, next) => (isCallsRoute(c.req.path) ? limitCallsBody : limitApiBody)(c, next))

const address = (c: Context<AppEnv>) => c.req.header('cf-connecting-ip') ?? 'local'

const operatorKey = (c: Context<AppEnv>) => {
  const operator = c.get('operator')
  return operator ? `operator:${operatorName(operator)}` : address(c)
}

/** The operators' routes: their own limit, per operator, once the operator is known. */
const isOpsRoute = (c: Context<AppEnv>) => c.req.path.startsWith('/api/ops/') && c.req.path !== '/api/ops/session'

/**
 * Rate limits through the Workers rate-limiting bindings. `by: 'address'` runs before any
 * credential is checked, so a flood of bad tokens is slowed too; `by: 'caller'` runs after, per
 * user key (an identity the gateway derived), else per address: a name or a cookie without a key
 * is free to make anew, an address is not. `by: 'operator'` runs on `/api/ops/*` once the gateway
 * knows the operator, per operator: a dashboard polling several views does not use up the
 * address's allowance of the people in meetings behind it, nor they its.
 */
export const rateLimit = (by: 'address' | 'caller' | 'operator') =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (by === 'caller' && isOpsRoute(c)) return next()
    const { limiter, key } =
      by === 'address'
        ? { limiter: c.env.ADDRESS_RATE_LIMITER, key: address(c) }
        : by === 'caller'
          ? { limiter: c.env.API_RATE_LIMITER, key: c.get('identity')?.key ?? address(c) }
          : { limiter: c.env.OPS_RATE_LIMITER, key: operatorKey(c) }
    const { success } = await limiter.limit({ key })
    if (!success) return tooManyRequests(c, 'Too many requests', 'Slow down and retry in a minute')
    await next()
  })
