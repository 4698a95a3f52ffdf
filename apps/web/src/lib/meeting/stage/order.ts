/**
 * Who gets the stage's places when not everyone fits: the people who spoke most recently, as
 * Meet and LiveKit do it. Everyone keeps their place otherwise, so tiles do not jump around; a
 * hidden person who speaks takes the place of whoever among the shown spoke longest ago.
 * Pure, so the stage only re-runs it when people, speakers or the number of places change.
 */

/**
 * The new order of `present` (ids), from the `previous` order: people who left drop out,
 * newcomers go at the end, and the first `places` are those shown. `spokeAt` holds when each
 * person last spoke (any increasing clock); someone who never spoke is older than everyone.
 */
export function arrange(
  previous: readonly string[],
  present: readonly string[],
  spokeAt: ReadonlyMap<string, number>,
  places: number,
): string[] {
  const here = new Set(present)
  const order = previous.filter((id) => here.has(id))
  const placed = new Set(order)
  for (const id of present) if (!placed.has(id)) order.push(id)
  if (places <= 0 || places >= order.length) return order

  const when = (id: string) => spokeAt.get(id) ?? -Infinity
  // The hidden who spoke, most recent first: each may take one shown place.
  const speakers = order
    .slice(places)
    .filter((id) => spokeAt.has(id))
    .sort((a, b) => when(b) - when(a))
  for (const id of speakers) {
    // The shown place whose person spoke longest ago; of equals, the last one (the newest there).
    let oldest = places - 1
    for (let i = places - 2; i >= 0; i--) if (when(order[i]!) < when(order[oldest]!)) oldest = i
    if (when(order[oldest]!) >= when(id)) break
    const from = order.indexOf(id)
    order[from] = order[oldest]!
    order[oldest] = id
  }
  return order
}
