import { ServiceHealth, type ServiceName } from '@tangerine/contracts/health'
import { aiClient } from '@tangerine/ai/client'
import { feedbackClient } from '@tangerine/feedback/client'
import { mediaClient } from '@tangerine/media/client'
import { roomsClient } from '@tangerine/rooms/client'

type BoundService = Exclude<ServiceName, 'gateway'>

/** What a probe needs of an answer, whether a typed client's or a plain fetch's. */
interface Answer {
  status: number
  json(): Promise<unknown>
}

/**
 * How the gateway asks each bound Worker for its `/health`. Hono services go through their typed
 * clients; the web app is SvelteKit, so it gets a plain request over its binding.
 */
export function healthProbes(env: GatewayEnv): Record<BoundService, (signal: AbortSignal) => Promise<Answer>> {
  return {
    rooms: (signal) => roomsClient(env.ROOMS).health.$get(undefined, { init: { signal } }),
    media: (signal) => mediaClient(env.MEDIA).health.$get(undefined, { init: { signal } }),
    ai: (signal) => aiClient(env.AI).health.$get(undefined, { init: { signal } }),
    feedback: (signal) => feedbackClient(env.FEEDBACK).health.$get(undefined, { init: { signal } }),
    web: (signal) => env.WEB.fetch('http://web.internal/health', { signal }),
  }
}

/** A report is only believed if it parses and names the service we asked. */
export async function readHealth(service: BoundService, res: Answer): Promise<ServiceHealth> {
  const body: unknown = await res.json().catch(() => undefined)
  const parsed = ServiceHealth.safeParse(body)
  if (!parsed.success) throw new Error(`${service} answered ${res.status} without a health report`)
  if (parsed.data.service !== service) throw new Error(`${service} binding answered as ${parsed.data.service}`)
  return parsed.data
}
