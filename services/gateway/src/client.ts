import { hc } from 'hono/client'
import type { AppType } from './index.ts'

/** Typed client for the gateway over a service binding (the web app's server side). */
export const gatewayClient = (binding: Fetcher) =>
  hc<AppType>('http://gateway.internal', { fetch: binding.fetch.bind(binding) })
