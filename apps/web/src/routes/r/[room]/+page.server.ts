import { error } from '@sveltejs/kit'
import { RoomName } from '@tangerine/contracts'
import { callApi } from '$lib/api'
import { gateway } from '$lib/server/gateway'
import type { PageServerLoad } from './$types'

/** The room name from the URL, and who the gateway says this browser is (its cookie or Access). */
export const load = (async ({ params, platform, request }) => {
  const room = RoomName.safeParse(params.room)
  if (!room.success) error(404, { message: `“${params.room}” is not a room name` })
  const res = await callApi('getSession', {}, gateway(platform, request))
  if (!res.ok) throw new Error(`The gateway did not say who this is (${res.status})`)
  return { room: room.data, identity: res.data.identity }
}) satisfies PageServerLoad
