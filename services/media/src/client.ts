import { hc } from 'hono/client'
import type { AppType } from './index.ts'

/** Typed client for the media Worker over its service binding; the host is never resolved. */
export const mediaClient = (binding: Fetcher) =>
  hc<AppType>('http://media.internal', { fetch: binding.fetch.bind(binding) })
