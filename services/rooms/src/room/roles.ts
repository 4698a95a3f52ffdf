import type { RoomEvent, RoomState } from '@tangerine/contracts'
import { aiController } from '@tangerine/room-model'
import { endIfEmpty, RoomError, userOf, type Cmd, type Emit, type EventData } from './decision.ts'

/** What people do to one another: only yourself, unless you are the host. */
export type RoleCommand =
  | Cmd<'MuteUser', EventData<'UserMuted'>>
  | Cmd<'AskToUnmute', EventData<'UnmuteRequested'>>
  /** `key` is what to bar until the meeting ends: the target's user key, or their user id. */
  | Cmd<'RemoveUser', EventData<'UserRemoved'>>
  | Cmd<'TransferHost', Required<EventData<'HostAssigned'>>>
  | Cmd<'SetLock', EventData<'RoomLocked'> & { locked: boolean }>
  | Cmd<'EndMeeting', Pick<EventData<'MeetingEndedForAll'>, 'by'>>

/** The sender, who must be in the meeting and its host. */
export function host(state: RoomState, by: string, what: string) {
  const user = userOf(state, by)
  if (!user.joined) throw new RoomError('not_joined', `Join the meeting to ${what}`)
  if (state.host !== by) throw new RoomError('forbidden', `Only the host can ${what}`)
  return user
}

/** When the host stops being in the meeting, the one who has been there longest takes over. */
export function handOver(state: RoomState, leaving: string, emit: Emit): RoomEvent[] {
  if (state.host !== leaving) return []
  const next = state.users
    .filter((u) => u.joined && u.id !== leaving)
    .sort((a, b) => (a.joinedSeq ?? Infinity) - (b.joinedSeq ?? Infinity))[0]
  return next ? [emit('HostAssigned', { userId: next.id })] : []
}

export function decideRole(state: RoomState, command: RoleCommand, emit: Emit): RoomEvent[] {
  switch (command.type) {
    case 'MuteUser': {
      const { by, userId } = command.data
      userOf(state, by)
      const target = userOf(state, userId)
      if (by !== userId) host(state, by, 'mute others')
      return target.tracks.audioEnabled ? [emit('UserMuted', command.data)] : []
    }
    case 'AskToUnmute': {
      const { by, userId } = command.data
      if (!userOf(state, by).joined) throw new RoomError('not_joined', 'Join the meeting to ask someone to unmute')
      const target = userOf(state, userId)
      if (!target.joined) throw new RoomError('not_joined', `${target.name} is not in the meeting`)
      if (by === userId) throw new RoomError('conflict', 'Unmute yourself instead')
      // A request only: the target decides. Nothing to ask of someone already heard.
      return target.tracks.audioEnabled ? [] : [emit('UnmuteRequested', command.data)]
    }
    case 'RemoveUser': {
      const { by, userId } = command.data
      host(state, by, 'remove people')
      const target = userOf(state, userId)
      if (userId === by) throw new RoomError('conflict', 'The host leaves rather than removing themself')
      // Barring the host's own key would bar the host's other tabs too: bar only that tab then.
      const key = by.startsWith(command.data.key) ? userId : command.data.key
      const gone = state.users.filter((u) => u.id === target.id || u.id.startsWith(key))
      const events: RoomEvent[] = []
      for (const user of gone) {
        if (aiController(state.ai) === user.id) events.push(emit('AiControlReleased', { userId: user.id }))
        events.push(emit('UserRemoved', { userId: user.id, by, key }))
      }
      return events
    }
    case 'TransferHost': {
      const { by, userId } = command.data
      host(state, by, 'hand over the host role')
      if (!userOf(state, userId).joined) throw new RoomError('not_joined', 'Only someone in the meeting can be host')
      return userId === by ? [] : [emit('HostAssigned', { userId, by })]
    }
    case 'SetLock': {
      const { by, locked } = command.data
      host(state, by, locked ? 'lock the meeting' : 'unlock the meeting')
      if ((state.locked ?? false) === locked) return []
      return [emit(locked ? 'RoomLocked' : 'RoomUnlocked', { by })]
    }
    case 'EndMeeting': {
      const { by } = command.data
      host(state, by, 'end the meeting for everyone')
      const meetingId = state.meetingId
      if (!meetingId) return []
      // Then as when the last person leaves: the AI goes too, and the meeting ends.
      return [emit('MeetingEndedForAll', { meetingId, by }), ...endIfEmpty(state, 0, emit)]
    }
    default: {
      const unknown: never = command
      throw new Error(`Unknown command ${(unknown as { type: string }).type}`)
    }
  }
}
