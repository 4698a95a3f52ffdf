import { error } from '@sveltejs/kit'
import { RoomName } from '@tangerine/contracts/rooms/room'
import type { PageLoad } from './$types'

export const load = (({ params }) => {
  const room = RoomName.safeParse(params.room)
  if (!room.success) error(404, { message: `“${params.room}” is not a room name` })
  return { room: room.data }
}) satisfies PageLoad
