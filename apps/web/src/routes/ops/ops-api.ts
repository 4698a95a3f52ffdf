import { ProblemDetails } from '@tangerine/contracts/errors'
import type { z } from 'zod'
import { operatorSession } from './operator-session.svelte'

/** An answer of the operators' API: the parsed body, or why there is none. */
export type OpsResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; message: string }

export interface OpsRequest {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  query?: Record<string, string | number | undefined>
  body?: unknown
}

/**
 * One call of `/api/ops/*` from the page. Same origin, so the operator cookie (scoped to
 * `/api/ops`) rides along; this is why the dashboard is rendered in the browser: the page's own
 * request never carries that cookie. Every answer is parsed with its contracts schema (`null`:
 * no body expected); a 403 means the session is gone, and the page goes back to sign-in.
 */
export async function opsCall<S extends z.ZodType>(
  path: string,
  schema: S | null,
  { method = 'GET', query, body }: OpsRequest = {},
): Promise<OpsResult<z.output<S>>> {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') params.set(k, String(v))
  const url = `/api/ops${path}${params.size ? `?${params}` : ''}`
  let res: Response
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (err) {
    return { ok: false, status: 0, message: `Network error: ${err instanceof Error ? err.message : String(err)}` }
  }
  const json: unknown = res.status === 204 ? undefined : await res.json().catch(() => undefined)
  if (res.ok) {
    if (schema === null) return { ok: true, status: res.status, data: undefined as z.output<S> }
    const parsed = schema.safeParse(json)
    if (parsed.success) return { ok: true, status: res.status, data: parsed.data }
    return { ok: false, status: res.status, message: `${path} answered an unexpected shape` }
  }
  if (res.status === 403) operatorSession.lost()
  const problem = ProblemDetails.safeParse(json)
  const message = problem.success ? [problem.data.title, problem.data.detail].filter(Boolean).join(': ') : ''
  return { ok: false, status: res.status, message: message || `${path} answered ${res.status}` }
}
