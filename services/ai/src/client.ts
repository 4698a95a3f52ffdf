import { hc } from 'hono/client'
import type { AppType } from './index.ts'

/** Typed client for the ai Worker over its service binding; the host is never resolved. */
export const aiClient = (binding: Fetcher) => hc<AppType>('http://ai.internal', { fetch: binding.fetch.bind(binding) })
