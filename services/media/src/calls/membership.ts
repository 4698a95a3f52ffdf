import { memberOf, type Identity, type RoomState } from '@tangerine/contracts'
import { roomsClient } from '@tangerine/rooms/client'

/** The room's state, asked of the room itself; undefined when it cannot say. */
export async function roomState(env: MediaEnv, room: string): Promise<RoomState | undefined> {
  const res = await roomsClient(env.ROOMS).rooms[':name'].$get({ param: { name: room } })
  return res.ok ? (await res.json()).state : undefined
}

/**
 * Where this user, under this identity, is in the room right now: absent, in the lobby (sees who
 * is there, gets no media) or in the meeting (`joined: true`).
 */
export async function placeInRoom(
  env: MediaEnv,
  room: string,
  userId: string,
  who: Identity,
): Promise<'absent' | 'lobby' | 'meeting'> {
  const state = await roomState(env, room)
  const user = state && memberOf(state, userId, who)
  return !user ? 'absent' : user.joined ? 'meeting' : 'lobby'
}
