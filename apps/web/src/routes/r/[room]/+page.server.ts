import { error } from '@sveltejs/kit'
import { Identity, RoomName } from '@tangerine/contracts'
import { gateway } from '$lib/server/gateway'
import { z } from 'zod'
import type { PageServerLoad } from './$types'

const SessionAnswer = z.object({ identity: Identity.nullable() })

/** The room name from the URL, and who the gateway says this browser is (its cookie or Access). */
export const load = (async ({ params, platform, request }) => {
  const room = RoomName.safeParse(params.room)
  if (!room.success) error(404, { message: `“${params.room}” is not a room name` })
  const res = await gateway(platform, request).api.session.$get()
  const { identity } = SessionAnswer.parse(await res.json())
  return { room: room.data, identity }
}) satisfies PageServerLoad
