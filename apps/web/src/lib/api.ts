import { ProblemDetails } from '@tangerine/contracts/errors'
import {
  publicApi,
  routePath,
  type PathParams,
  type PublicApi,
  type PublicRoute,
} from '@tangerine/contracts/public-api'
import type { z } from 'zod'

type Route<R extends PublicRoute> = PublicApi[R]

/** What a call of route `R` takes: its path's params, and its body where it has one. */
export type ApiInput<R extends PublicRoute> = ([PathParams<Route<R>['path']>] extends [never]
  ? unknown
  : { params: Record<PathParams<Route<R>['path']>, string> }) &
  (Route<R> extends { body: z.ZodType } ? { body: z.input<Route<R>['body']> } : unknown)

type Answers<R extends PublicRoute> = Route<R>['answers']
/** What route `R` answers with when it succeeds (`undefined` for an empty answer). */
export type ApiAnswer<R extends PublicRoute> = {
  [S in keyof Answers<R>]: Answers<R>[S] extends z.ZodType ? z.output<Answers<R>[S]> : undefined
}[keyof Answers<R>]

/**
 * An answer the route promises (`ok`, with its `status`, e.g. health's 503), or anything else:
 * then the refusal's Problem Details when it sent one (not a proxy's HTML, nor a body that does
 * not match what the route promises).
 */
export type ApiResult<T> =
  { ok: true; status: number; data: T } | { ok: false; status: number; problem: ProblemDetails | undefined }

/**
 * How a call reaches the gateway. The browser's default: same origin, so the session cookie rides
 * along. The web Worker's server side passes the GATEWAY binding's `fetch`, a base URL whose host
 * is never resolved, and the browser's credentials as `headers`.
 */
export interface ApiTransport {
  fetch?: (url: string, init: RequestInit) => Promise<Response>
  base?: string
  headers?: Record<string, string>
}

/** The one way the web app calls the API: `route` of the contracts' public API table. A network failure throws. */
export async function callApi<R extends PublicRoute>(
  route: R,
  input: ApiInput<R>,
  via: ApiTransport = {},
): Promise<ApiResult<ApiAnswer<R>>> {
  const spec: Route<R> = publicApi[route]
  const { params, body } = input as { params?: Record<string, string>; body?: unknown }
  const url = (via.base ?? '') + routePath<string>(spec.path, params ?? {})
  const headers = { ...via.headers, ...(spec.method === 'POST' && { 'content-type': 'application/json' }) }
  const init: RequestInit = { method: spec.method, headers }
  if (spec.method === 'POST') init.body = JSON.stringify(body)
  const send = via.fetch ?? fetch
  return readAnswer(route, await send(url, init))
}

/** A response read as route `route`'s answer; never throws. */
export async function readAnswer<R extends PublicRoute>(route: R, res: Response): Promise<ApiResult<ApiAnswer<R>>> {
  const answers: Partial<Record<number, z.ZodType | null>> = publicApi[route].answers
  const schema = answers[res.status]
  if (schema === null) return { ok: true, status: res.status, data: undefined as ApiAnswer<R> }
  const json: unknown = await res.json().catch(() => undefined)
  const answer = schema?.safeParse(json)
  if (answer?.success) return { ok: true, status: res.status, data: answer.data as ApiAnswer<R> }
  const problem = ProblemDetails.safeParse(json)
  return { ok: false, status: res.status, problem: problem.success ? problem.data : undefined }
}
