import { StoredDebugInfo, type FeedbackDebugInfo } from '@tangerine/contracts/feedback'
import type { Identity } from '@tangerine/contracts'

/** Long enough to look into a report, short enough not to keep people's sessions for ever. */
const DEBUG_INFO_TTL_SECONDS = 30 * 24 * 3600
const key = (id: string) => `debug:${id}`

/**
 * Kept under the report's random id: the link in the card is the capability to read it (a v4
 * UUID cannot be guessed), so people in the chat space can open it without an account here.
 */
export async function storeDebugInfo(
  kv: KVNamespace,
  id: string,
  debugInfo: FeedbackDebugInfo,
  reporter: Identity | undefined,
) {
  const stored: StoredDebugInfo = {
    id,
    receivedAt: new Date().toISOString(),
    reporter: reporter && { name: reporter.name, email: reporter.email, source: reporter.source },
    debugInfo,
  }
  await kv.put(key(id), JSON.stringify(stored), { expirationTtl: DEBUG_INFO_TTL_SECONDS })
}

export async function readDebugInfo(kv: KVNamespace, id: string): Promise<StoredDebugInfo | undefined> {
  const parsed = StoredDebugInfo.safeParse(await kv.get(key(id), 'json'))
  return parsed.success ? parsed.data : undefined
}
