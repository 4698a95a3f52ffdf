import type { SystemHealth } from '@tangerine/contracts/health'
import { callApi, type ApiTransport } from '$lib/api'

/**
 * What of the browser's request goes on to the gateway: its credentials, and its address
 * (Cloudflare sets `cf-connecting-ip` at the edge, so the gateway's rate limit counts each
 * visitor rather than this Worker).
 */
const FORWARDED = ['cookie', 'cf-access-jwt-assertion', 'cf-access-authenticated-user-email', 'cf-connecting-ip']

/**
 * The one way the web app's server side reaches the API: `callApi` over the gateway's service
 * binding, on behalf of `request` (the host is never resolved).
 */
export function gateway(platform: App.Platform | undefined, request: Request): ApiTransport {
  const binding = platform?.env.GATEWAY
  if (!binding) throw new Error('The GATEWAY service binding is missing')
  const headers: Record<string, string> = {}
  for (const name of FORWARDED) {
    const value = request.headers.get(name)
    if (value) headers[name] = value
  }
  return { fetch: (url, init) => binding.fetch(url, init), base: 'http://gateway.internal', headers }
}

/** System health for the landing page; a gateway that cannot answer is reported, not thrown. */
export async function systemHealth(platform: App.Platform | undefined, request: Request): Promise<SystemHealth> {
  try {
    const res = await callApi('health', {}, gateway(platform, request))
    if (res.ok) return res.data
    throw new Error(res.problem?.detail ?? `The gateway answered ${res.status} without a health report`)
  } catch (err) {
    return {
      status: 'down',
      services: [
        {
          service: 'gateway',
          status: 'down',
          latencyMs: 0,
          error: err instanceof Error ? err.message : String(err),
        },
      ],
      time: new Date().toISOString(),
    }
  }
}
