import type { Simulcast } from '@tangerine/contracts/calls/api'

export type LayerPreference = Pick<Simulcast, 'preferredRid' | 'priorityOrdering' | 'ridNotAvailable'>

/**
 * Which simulcast layer a puller gets, from the publisher's active rids in ascending order
 * ("a" is the best layer by Cloudflare's convention). Without a preference: the best one, which
 * also covers the single-layer case where the only rid is ''. With a preferred rid that is not
 * being sent, `ridNotAvailable` decides: `none` (the default) sends nothing until it comes back,
 * `asciibetical` falls back to the next layer down, or else the nearest one up.
 * (`priorityOrdering` is about stepping down under congestion, which this SFU does not measure.)
 */
export function chooseLayer(sortedRids: readonly string[], preference: LayerPreference): string | undefined {
  const preferred = preference.preferredRid
  if (!preferred) return sortedRids[0]
  if (sortedRids.includes(preferred)) return preferred
  if (preference.ridNotAvailable !== 'asciibetical') return undefined
  return sortedRids.find((rid) => rid > preferred) ?? sortedRids.filter((rid) => rid < preferred).at(-1)
}
