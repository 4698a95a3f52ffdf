import type { ClientMessage } from '@tangerine/contracts'
import type { CommandMetadata, RoomCommand } from './decide.ts'

type Commanding = Exclude<ClientMessage, { type: 'heartbeat' | 'partyserver-ping' | 'e2eeMlsMessage' | 'callsApiHistoryEntry' }>

/** What a client message asks the room to do, on behalf of the socket's user. */
export function commandFor(message: Commanding, userId: string, metadata: CommandMetadata): RoomCommand {
  switch (message.type) {
    case 'userUpdate':
      return { type: 'UpdateUser', data: { userId, patch: message.user }, metadata }
    case 'userLeft':
      return { type: 'Leave', data: { userId, reason: 'left' }, metadata }
    case 'muteUser':
      return { type: 'MuteUser', data: { by: userId, userId: message.id }, metadata }
    case 'raiseHand':
      return { type: 'RaiseHand', data: { userId }, metadata }
    case 'lowerHand':
      return { type: 'LowerHand', data: { userId }, metadata }
    case 'chatMessage':
      return { type: 'SendChat', data: { userId, message: message.message }, metadata }
    case 'directMessage':
      return { type: 'SendDirect', data: { from: userId, to: message.to, message: message.message }, metadata }
    case 'enableAi':
      return { type: 'InviteAi', data: { by: userId, instructions: message.instructions, voice: message.voice }, metadata }
    case 'disableAi':
      return { type: 'DismissAi', data: { by: `user:${userId}` }, metadata }
    case 'requestAiControl':
      return { type: 'TakeAiControl', data: { userId }, metadata }
    case 'relinquishAiControl':
      return { type: 'ReleaseAiControl', data: { userId }, metadata }
    default: {
      const unknown: never = message
      throw new Error(`No command for ${(unknown as { type: string }).type}`)
    }
  }
}
