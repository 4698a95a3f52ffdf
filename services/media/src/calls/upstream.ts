/**
 * Calls the Calls API (the local SFU or Cloudflare's) with the app secret, which only this
 * Worker holds. Returns the upstream status and parsed JSON body as they are.
 */
export async function callUpstream(
  env: MediaEnv,
  method: string,
  path: string,
  body: unknown,
  query?: URLSearchParams,
): Promise<{ status: number; body: unknown }> {
  const base = env.CALLS_API_URL.replace(/\/+$/, '')
  const qs = query && query.size > 0 ? `?${query}` : ''
  const res = await fetch(`${base}/apps/${encodeURIComponent(env.CALLS_APP_ID)}${path}${qs}`, {
    method,
    headers: {
      authorization: `Bearer ${env.CALLS_APP_SECRET}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  try {
    return { status: res.status, body: text ? JSON.parse(text) : {} }
  } catch {
    return {
      status: 502,
      body: { errorCode: 'backend_error', errorDescription: 'The Calls API answered with something that is not JSON' },
    }
  }
}
