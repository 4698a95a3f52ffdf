import { roomsClient } from '@tangerine/rooms/client'

/** The rooms Worker: the room's state, and the AI's commands decided by the room. */
export const rooms = (env: AiEnv) => roomsClient(env.ROOMS)
