import type { RoomEvent, RoomState } from '@tangerine/contracts'
import { RoomError, userOf, type Cmd, type Emit, type EventData } from './decision.ts'
import { host } from './roles.ts'

/**
 * The host puts one person on everyone's stage, as Meet's "spotlight for everyone": only the
 * host may, and only someone in the meeting (not the lobby, not a stranger) can be put there.
 */
export type SpotlightCommand =
  Cmd<'SpotlightUser', EventData<'UserSpotlighted'>> | Cmd<'EndSpotlight', EventData<'SpotlightEnded'>>

export function decideSpotlight(state: RoomState, command: SpotlightCommand, emit: Emit): RoomEvent[] {
  switch (command.type) {
    case 'SpotlightUser': {
      const { by, userId } = command.data
      host(state, by, 'spotlight people')
      const target = userOf(state, userId)
      if (!target.joined) throw new RoomError('not_joined', `${target.name} is not in the meeting`)
      return state.spotlight === userId ? [] : [emit('UserSpotlighted', command.data)]
    }
    case 'EndSpotlight':
      host(state, command.data.by, 'end the spotlight')
      return state.spotlight ? [emit('SpotlightEnded', command.data)] : []
    default: {
      const unknown: never = command
      throw new Error(`Unknown command ${(unknown as { type: string }).type}`)
    }
  }
}
