import type { ClientMessage } from '@tangerine/contracts'
import type { RoomAiCommand } from '@tangerine/contracts/ai/api'
import type { RoomCommand } from './decide.ts'
import type { CommandMetadata } from './decision.ts'

/** The messages that are not commands: the socket answers them itself. */
type Commanding = Exclude<ClientMessage, { type: 'heartbeat' | 'partyserver-ping' | 'mlsKeyPackage' }>

/**
 * What a client message asks the room to do, on behalf of the socket's user. `keyOf` tells what
 * removing someone bars: their user key as their socket proved it, or else their user id.
 */
export function commandFor(
  message: Commanding,
  userId: string,
  metadata: CommandMetadata,
  keyOf: (userId: string) => string = (id) => id,
): RoomCommand {
  switch (message.type) {
    case 'userUpdate':
      return { type: 'UpdateUser', data: { userId, patch: message.user, e2ee: message.e2ee }, metadata }
    case 'userLeft':
      return { type: 'Disconnect', data: { userId, reason: 'left' }, metadata }
    case 'muteUser':
      return { type: 'MuteUser', data: { by: userId, userId: message.id }, metadata }
    case 'askToUnmute':
      return { type: 'AskToUnmute', data: { by: userId, userId: message.id }, metadata }
    case 'removeUser':
      return { type: 'RemoveUser', data: { by: userId, userId: message.id, key: keyOf(message.id) }, metadata }
    case 'makeHost':
      return { type: 'TransferHost', data: { by: userId, userId: message.id }, metadata }
    case 'lockRoom':
      return { type: 'SetLock', data: { by: userId, locked: message.locked }, metadata }
    case 'endMeeting':
      return { type: 'EndMeeting', data: { by: userId }, metadata }
    case 'spotlight':
      return { type: 'SpotlightUser', data: { by: userId, userId: message.id }, metadata }
    case 'endSpotlight':
      return { type: 'EndSpotlight', data: { by: userId }, metadata }
    case 'raiseHand':
      return { type: 'RaiseHand', data: { userId }, metadata }
    case 'lowerHand':
      return { type: 'LowerHand', data: { userId }, metadata }
    case 'chatMessage':
      return { type: 'SendChat', data: { userId, message: message.message }, metadata }
    case 'directMessage':
      return { type: 'SendDirect', data: { from: userId, to: message.to, message: message.message }, metadata }
    case 'mlsCommit': {
      const { type: _type, ...data } = message
      return { type: 'CommitMls', data: { userId, ...data }, metadata }
    }
    default: {
      const unknown: never = message
      throw new Error(`No command for ${(unknown as { type: string }).type}`)
    }
  }
}

/** What the ai Worker asks of the room, as a command of the room's own. */
export function aiCommandFor(command: RoomAiCommand, metadata: CommandMetadata): RoomCommand {
  switch (command.type) {
    case 'InviteAi': {
      const { type: _type, ...data } = command
      return { type: 'InviteAi', data, metadata }
    }
    case 'CompleteAi':
      return { type: 'CompleteAi', data: { sessionId: command.sessionId, trackName: command.trackName }, metadata }
    case 'FailAi':
      return { type: 'FailAi', data: { error: command.error }, metadata }
    case 'DismissAi':
      return { type: 'DismissAi', data: { by: command.by }, metadata }
    case 'TakeAiControl':
      return { type: 'TakeAiControl', data: { userId: command.userId }, metadata }
    case 'ReleaseAiControl':
      return { type: 'ReleaseAiControl', data: { userId: command.userId }, metadata }
    default: {
      const unknown: never = command
      throw new Error(`No command for ${(unknown as { type: string }).type}`)
    }
  }
}
