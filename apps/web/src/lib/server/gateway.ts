import { gatewayClient } from '@tangerine/gateway/client'
import { SystemHealth } from '@tangerine/contracts/health'

/**
 * What of the browser's request goes on to the gateway: its credentials, and its address
 * (Cloudflare sets `cf-connecting-ip` at the edge, so the gateway's rate limit counts each
 * visitor rather than this Worker).
 */
const FORWARDED = ['cookie', 'cf-access-jwt-assertion', 'cf-access-authenticated-user-email', 'cf-connecting-ip']

/** The one way the web app's server side talks to the API: the gateway's service binding, on behalf of `request`. */
export function gateway(platform: App.Platform | undefined, request: Request) {
  if (!platform?.env.GATEWAY) throw new Error('The GATEWAY service binding is missing')
  const headers: Record<string, string> = {}
  for (const name of FORWARDED) {
    const value = request.headers.get(name)
    if (value) headers[name] = value
  }
  return gatewayClient(platform.env.GATEWAY, headers)
}

/** System health for the landing page; a gateway that cannot answer is reported, not thrown. */
export async function systemHealth(platform: App.Platform | undefined, request: Request): Promise<SystemHealth> {
  try {
    const res = await gateway(platform, request).api.health.$get({ query: {} })
    return SystemHealth.parse(await res.json())
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
