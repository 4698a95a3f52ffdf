import { hc } from 'hono/client'
import type { AppType } from './index.ts'

/** Typed client for the rooms Worker over its service binding; the host is never resolved. */
export const roomsClient = (binding: Fetcher) =>
  hc<AppType>('http://rooms.internal', { fetch: binding.fetch.bind(binding) })
