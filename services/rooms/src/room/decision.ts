import type { RoomErrorCode, RoomEvent, RoomEventOf, RoomEventType, RoomState } from '@tangerine/contracts'
import { aiPresent } from '@tangerine/room-model'

/**
 * What every decision uses, the room's own and the roles': the command's metadata, the refusal,
 * the emitter and the lookups. Apart from decide.ts so roles.ts needs nothing back from it.
 */

/** Time, the actor and a fresh id arrive with the command, so deciding stays pure. */
export interface CommandMetadata {
  now: string
  actor: string
  /** A new unique id, for the meeting or message the command may create. */
  id: string
}

export type Cmd<T extends string, D> = { type: T; data: D; metadata: CommandMetadata }

/** A command the room refuses; the code is what the sender is told. */
export class RoomError extends Error {
  constructor(
    readonly code: RoomErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** What an event of type `T` carries: commands take their data from it rather than re-typing it. */
export type EventData<T extends RoomEventType> = RoomEventOf<T>['data']
export type Emit = <T extends RoomEventType>(type: T, data: EventData<T>) => RoomEvent

export const emitter =
  (metadata: CommandMetadata): Emit =>
  (type, data) =>
    ({ type, data, metadata: { at: metadata.now, actor: metadata.actor, schemaVersion: 1 } }) as RoomEvent

export function userOf(state: RoomState, id: string) {
  const user = state.users.find((u) => u.id === id)
  if (!user) throw new RoomError('unknown_user', `No user ${id} in this room`)
  return user
}

/** Ends the meeting when the last joined user is gone once `events` apply. */
export function endIfEmpty(state: RoomState, remainingJoined: number, emit: Emit): RoomEvent[] {
  if (!state.meetingId || remainingJoined > 0) return []
  // Nobody is left to talk to the AI: it ends with the meeting (the ai Worker closes its calls).
  const ai = aiPresent(state.ai) ? [emit('AiDismissed', { by: 'system' })] : []
  return [...ai, emit('MeetingEnded', { meetingId: state.meetingId, peakUserCount: state.peakUserCount })]
}

export const joinedExcept = (state: RoomState, userId: string) =>
  state.users.filter((u) => u.joined && u.id !== userId).length
