import type { Simulcast } from '@tangerine/contracts/calls/api'

export type LayerPreference = Pick<Simulcast, 'preferredRid' | 'priorityOrdering' | 'ridNotAvailable'>

/**
 * Which simulcast layer a puller gets, from the publisher's rids in ascending order.
 * Without a usable preference the SFU picks the asciibetically first rid ("a" is the
 * best layer by Cloudflare's convention), which also covers the single-layer case
 * where the only rid is ''.
 */
export function chooseLayer(sortedRids: readonly string[], preference: LayerPreference): string | undefined {
  const preferred = preference.preferredRid
  if (preferred && sortedRids.includes(preferred)) return preferred
  return sortedRids[0]
}
