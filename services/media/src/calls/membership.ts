import { memberOf, type Identity } from '@tangerine/contracts'
import { roomsClient } from '@tangerine/rooms/client'

/** Is this user, under this identity, in the room right now? Asked of the room itself. */
export async function isInRoom(env: MediaEnv, room: string, userId: string, who: Identity): Promise<boolean> {
  const res = await roomsClient(env.ROOMS).rooms[':name'].$get({ param: { name: room } })
  if (!res.ok) return false
  const { state } = await res.json()
  return memberOf(state, userId, who) !== undefined
}
