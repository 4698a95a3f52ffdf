import type { RoomEvent, RoomState } from '@tangerine/contracts'
import type { OperatorAction } from '@tangerine/contracts/ops/api'
import { aiController } from '@tangerine/room-model'
import { endIfEmpty, RoomError, userOf, type Cmd, type CommandMetadata, type Emit, type EventData } from './decision.ts'

/**
 * What an operator does to a meeting from the ops dashboard: the host's removal and ending, whoever
 * the host is (the gateway let only an operator this far). Logged with the operator's name.
 */
export type OperatorCommand =
  /** `key` is what to bar until the meeting ends: the person's user key, or their user id. */
  | Cmd<'OperatorRemoveUser', EventData<'UserRemovedByOperator'>>
  | Cmd<'OperatorEndMeeting', Pick<EventData<'MeetingEndedByOperator'>, 'operator'>>

/** Events' `actor` for an operator's action; which operator is in the event's data. */
export const OPERATOR_ACTOR = 'operator'

/** The command for `operator`'s action; `keyOf` tells what removing someone bars, as for the host. */
export function operatorCommandFor(
  action: OperatorAction,
  operator: string,
  metadata: CommandMetadata,
  keyOf: (userId: string) => string,
): OperatorCommand {
  return action.type === 'endMeeting'
    ? { type: 'OperatorEndMeeting', data: { operator }, metadata }
    : { type: 'OperatorRemoveUser', data: { userId: action.userId, operator, key: keyOf(action.userId) }, metadata }
}

export function decideOperator(state: RoomState, command: OperatorCommand, emit: Emit): RoomEvent[] {
  switch (command.type) {
    case 'OperatorRemoveUser': {
      const { userId, operator, key } = command.data
      const target = userOf(state, userId)
      // Every tab of theirs goes, as when the host removes someone.
      const gone = new Set(state.users.filter((u) => u.id === target.id || u.id.startsWith(key)).map((u) => u.id))
      const events: RoomEvent[] = []
      for (const id of gone) {
        if (aiController(state.ai) === id) events.push(emit('AiControlReleased', { userId: id }))
        events.push(emit('UserRemovedByOperator', { userId: id, operator, key }))
      }
      // Unlike the host's removal, this can take out the host, or the last person in the meeting.
      const staying = state.users.filter((u) => u.joined && !gone.has(u.id))
      if (state.host && gone.has(state.host)) {
        const next = staying.sort((a, b) => (a.joinedSeq ?? Infinity) - (b.joinedSeq ?? Infinity))[0]
        if (next) events.push(emit('HostAssigned', { userId: next.id }))
      }
      return [...events, ...endIfEmpty(state, staying.length, emit)]
    }
    case 'OperatorEndMeeting': {
      const meetingId = state.meetingId
      if (!meetingId) throw new RoomError('conflict', 'No meeting is running in this room')
      return [
        emit('MeetingEndedByOperator', { meetingId, operator: command.data.operator }),
        ...endIfEmpty(state, 0, emit),
      ]
    }
    default: {
      const unknown: never = command
      throw new Error(`Unknown command ${(unknown as { type: string }).type}`)
    }
  }
}
