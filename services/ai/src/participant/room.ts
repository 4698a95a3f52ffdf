import type { RoomState } from '@tangerine/contracts'
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
  const body = (await res.json().catch(() => ({}))) as { detail?: string; type?: string }
  const code = body.type?.split('/').pop()
  return RoomAiResult.parse({
    ok: false,
    code: code && code !== 'about:blank' ? code : 'internal',
    error: body.detail ?? `The room answered ${res.status}`,
  })
}
