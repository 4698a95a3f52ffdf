import { hc } from 'hono/client'
import type { AppType } from './index.ts'

/** Typed client for the feedback Worker over its service binding; the host is never resolved. */
export const feedbackClient = (binding: Fetcher) =>
  hc<AppType>('http://feedback.internal', { fetch: binding.fetch.bind(binding) })
