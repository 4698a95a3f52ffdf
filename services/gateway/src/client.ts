import { hc } from 'hono/client'
import type { AppType } from './index.ts'

/**
 * Typed client for the gateway over a service binding (the web app's server side). `headers`
 * go with every call: the browser's credentials and address, so the gateway sees who is asking.
 */
export const gatewayClient = (binding: Fetcher, headers: Record<string, string> = {}) =>
  hc<AppType>('http://gateway.internal', { fetch: binding.fetch.bind(binding), headers })
