import { ProblemDetails } from '@tangerine/contracts/errors'

/**
 * The browser's calls to the API: same origin, so the session cookie rides along. `Body` is the
 * contracts type the Worker behind the gateway validates it with.
 */
export function postJson<Body>(path: string, body: Body, fetcher: typeof fetch = fetch): Promise<Response> {
  return fetcher(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

/** A refusal's Problem Details, or undefined when the answer is not one (a proxy's HTML, nothing). */
export async function problemOf(res: Response): Promise<ProblemDetails | undefined> {
  const parsed = ProblemDetails.safeParse(await res.json().catch(() => undefined))
  return parsed.success ? parsed.data : undefined
}
