import { error } from '@sveltejs/kit'
import { RoomName, SessionResponse } from '@tangerine/contracts'
import { gateway } from '$lib/server/gateway'
import type { PageServerLoad } from './$types'

/** The room name from the URL, and who the gateway says this browser is (its cookie or Access). */
export const load = (async ({ params, platform, request }) => {
  const room = RoomName.safeParse(params.room)
  if (!room.success) error(404, { message: `“${params.room}” is not a room name` })
  const res = await gateway(platform, request).api.session.$get()
  const { identity } = SessionResponse.parse(await res.json())
  return { room: room.data, identity }
}) satisfies PageServerLoad
