import type { SfuStats } from '@tangerine/contracts/ops/api'
import * as z from 'zod'

/** What the local SFU's `/stats` answers (packages/sfu/src/http/app.ts). */
const LocalSfuStats = z.object({
  sessions: z.int().nonnegative(),
  forwarding: z.object({
    packetsOut: z.int().nonnegative(),
    packetsPerSecond: z.number().nonnegative().nullable(),
    windowMs: z.int().positive().nullable(),
  }),
})

/** Cloudflare Calls publishes no counters: with it, the overview says so instead of guessing. */
const isCloudflareCalls = (apiUrl: URL) => apiUrl.hostname.endsWith('.cloudflare.com')

/** The SFU's sessions and forwarded packets per second, as its `/stats` measures them: one reading. */
export async function sfuStats(env: MediaEnv, timeoutMs = 2000): Promise<SfuStats> {
  const api = new URL(env.CALLS_API_URL)
  if (isCloudflareCalls(api)) {
    return { status: 'unavailable', reason: 'Cloudflare Calls has no stats API; the local SFU has' }
  }
  const url = new URL('/stats', api)
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    if (!res.ok) throw new Error(`${url.origin}/stats answered ${res.status}`)
    const { sessions, forwarding } = LocalSfuStats.parse(await res.json())
    const { packetsOut, packetsPerSecond, windowMs } = forwarding
    return { status: 'available', sessions, packetsOut, packetsPerSecond, windowMs }
  } catch (err) {
    return { status: 'unavailable', reason: err instanceof Error ? err.message : String(err) }
  }
}
