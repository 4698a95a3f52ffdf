import type { SfuStats } from '@tangerine/contracts/ops/api'
import { z } from 'zod'

/** How long apart the two readings of the SFU's packet counter are, for packets per second. */
export const SFU_STATS_WINDOW_MS = 250

/** What the local SFU's `/stats` answers (packages/sfu/src/http/app.ts). */
const LocalSfuStats = z.object({
  sessions: z.int().nonnegative(),
  forwarding: z.object({ packetsOut: z.int().nonnegative() }),
})

/** Cloudflare Calls publishes no counters: with it, the overview says so instead of guessing. */
const isCloudflareCalls = (apiUrl: URL) => apiUrl.hostname.endsWith('.cloudflare.com')

async function read(url: URL, signal: AbortSignal) {
  const res = await fetch(url, { signal })
  if (!res.ok) throw new Error(`${url.origin}/stats answered ${res.status}`)
  return LocalSfuStats.parse(await res.json())
}

/** The SFU's sessions and forwarded packets per second, from two readings of its `/stats`. */
export async function sfuStats(env: MediaEnv, windowMs = SFU_STATS_WINDOW_MS): Promise<SfuStats> {
  const api = new URL(env.CALLS_API_URL)
  if (isCloudflareCalls(api)) {
    return { status: 'unavailable', reason: 'Cloudflare Calls has no stats API; the local SFU has' }
  }
  const url = new URL('/stats', api)
  try {
    const signal = AbortSignal.timeout(windowMs + 2000)
    const first = await read(url, signal)
    const started = Date.now()
    await new Promise((resolve) => setTimeout(resolve, windowMs))
    const second = await read(url, signal)
    const elapsed = Math.max(1, Date.now() - started)
    const packets = Math.max(0, second.forwarding.packetsOut - first.forwarding.packetsOut)
    return {
      status: 'available',
      sessions: second.sessions,
      packetsOut: second.forwarding.packetsOut,
      packetsPerSecond: Math.round((packets * 1000) / elapsed),
      windowMs: elapsed,
    }
  } catch (err) {
    return { status: 'unavailable', reason: err instanceof Error ? err.message : String(err) }
  }
}
