import { ProblemDetails, RoomRefusalProblem, type RoomState } from '@tangerine/contracts'
import { RoomAiResult, type RoomAiCommand } from '@tangerine/contracts/ai/api'
import { rooms } from '../clients/rooms.ts'

/** The room as it is now. */
export async function roomState(env: AiEnv, room: string): Promise<RoomState> {
  const res = await rooms(env).rooms[':name'].$get({ param: { name: room } })
  if (!res.ok) throw new Error(`The room ${room} answered ${res.status}`)
  return (await res.json()).state
}

/** Asks the room to decide an AI command; a refusal comes back as `{ok:false, code, error}`. */
export async function decideInRoom(env: AiEnv, room: string, command: RoomAiCommand): Promise<RoomAiResult> {
  const res = await rooms(env).rooms[':name'].ai.$post({ param: { name: room }, json: command })
  if (res.ok) return RoomAiResult.parse(await res.json())
  // A refusal names its room error code by its problem type; any other answer is the room failing.
  const body: unknown = await res.json().catch(() => undefined)
  const code = RoomRefusalProblem.safeParse(body).data?.code ?? 'internal'
  return { ok: false, code, error: ProblemDetails.safeParse(body).data?.detail ?? `The room answered ${res.status}` }
}
