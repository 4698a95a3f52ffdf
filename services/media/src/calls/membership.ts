import { memberOf, type Identity, type RoomState } from '@tangerine/contracts'
import { roomsClient } from '@tangerine/rooms/client'

/** The room's state, asked of the room itself; undefined when it cannot say. */
export async function roomState(env: MediaEnv, room: string): Promise<RoomState | undefined> {
  const res = await roomsClient(env.ROOMS).rooms[':name'].$get({ param: { name: room } })
  return res.ok ? (await res.json()).state : undefined
}

/**
 * Is this user, under this identity, in the meeting right now? Present is not enough: someone
 * still in the lobby (never `joined: true`) sees who is there, but gets no media.
 */
export async function isInRoom(env: MediaEnv, room: string, userId: string, who: Identity): Promise<boolean> {
  const state = await roomState(env, room)
  return !!state && memberOf(state, userId, who)?.joined === true
}
