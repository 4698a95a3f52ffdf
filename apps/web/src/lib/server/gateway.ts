import { gatewayClient } from '@tangerine/gateway/client'
import { SystemHealth } from '@tangerine/contracts/health'

/** The one way the web app's server side talks to the API: the gateway's service binding. */
export function gateway(platform: App.Platform | undefined) {
  if (!platform?.env.GATEWAY) throw new Error('The GATEWAY service binding is missing')
  return gatewayClient(platform.env.GATEWAY)
}

/** System health for the landing page; a gateway that cannot answer is reported, not thrown. */
export async function systemHealth(platform: App.Platform | undefined): Promise<SystemHealth> {
  try {
    const res = await gateway(platform).api.health.$get({ query: {} })
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
