import type { Simulcast } from '@tangerine/contracts/calls/api'

export type LayerPreference = Pick<Simulcast, 'preferredRid' | 'priorityOrdering' | 'ridNotAvailable'>

/**
 * Which simulcast layer a puller gets. Without a usable preference the SFU picks the
 * asciibetically first rid ("a" is the best layer by Cloudflare's convention), which
 * also covers the single-layer case where the only rid is ''.
 */
export function chooseLayer(rids: readonly string[], preference: LayerPreference): string | undefined {
  if (rids.length === 0) return undefined
  const sorted = [...rids].sort()
  const preferred = preference.preferredRid
  if (preferred && rids.includes(preferred)) return preferred
  return sorted[0]
}
