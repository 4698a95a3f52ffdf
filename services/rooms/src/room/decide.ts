import type { RoomEvent, RoomState, UserPatch } from '@tangerine/contracts'
import { AI_REFUSED_IN_E2EE } from '@tangerine/contracts/ai/api'
import { aiController, aiPresent } from '@tangerine/room-model'
import {
  emitter,
  endIfEmpty,
  joinedExcept,
  RoomError,
  userOf,
  type Cmd,
  type Emit,
  type EventData,
} from './decision.ts'
import { decideCommit, decideKeyPackage, type MlsCommand } from './mls.ts'
import { decideOperator, type OperatorCommand } from './operator-actions.ts'
import { decideRole, handOver, type RoleCommand } from './roles.ts'
import { decideSpotlight, type SpotlightCommand } from './spotlight.ts'

/** A command's data is its event's, less what deciding adds (ids, names), plus what only deciding reads. */
export type RoomCommand =
  /** `key` is the caller's user key (absent for anonymous guests): it bounds their tabs and bars the removed. */
  | Cmd<'Connect', Required<EventData<'UserConnected'>> & { key?: string }>
  /** `e2ee` is the opener's choice for the meeting their join starts. */
  | Cmd<'UpdateUser', EventData<'UserUpdated'> & { e2ee?: boolean }>
  | Cmd<'Disconnect', EventData<'UserDisconnected'>>
  | Cmd<'RaiseHand', EventData<'HandRaised'>>
  | Cmd<'LowerHand', EventData<'HandLowered'>>
  | Cmd<'SendChat', Pick<EventData<'ChatMessageSent'>, 'userId' | 'message'>>
  | Cmd<'SendDirect', Omit<EventData<'DirectMessageSent'>, 'messageId'>>
  | Cmd<'InviteAi', EventData<'AiInvited'>>
  | Cmd<'CompleteAi', EventData<'AiJoined'>>
  | Cmd<'FailAi', EventData<'AiFailed'>>
  | Cmd<'DismissAi', EventData<'AiDismissed'>>
  | Cmd<'TakeAiControl', EventData<'AiControlTaken'>>
  | Cmd<'ReleaseAiControl', EventData<'AiControlReleased'>>
  | RoleCommand
  | SpotlightCommand
  | OperatorCommand
  | MlsCommand
type CommandData<T extends RoomCommand['type']> = Extract<RoomCommand, { type: T }>['data']

/** How many people a room takes; the room object reads them from its config. */
export interface RoomLimits {
  /** In the meeting at once. */
  participants: number
  /** Waiting in the lobby at once. */
  lobby: number
  /** Room users (tabs) of one user key at once. */
  perIdentity: number
}
export const DEFAULT_LIMITS: RoomLimits = { participants: 100, lobby: 100, perIdentity: 5 }

/** Only the fields that would change: a patch that changes nothing makes no event. */
function effectivePatch(state: RoomState, userId: string, patch: UserPatch): UserPatch | undefined {
  const user = userOf(state, userId)
  const out: UserPatch = {}
  for (const key of ['name', 'transceiverSessionId', 'speaking', 'joined'] as const) {
    if (patch[key] !== undefined && patch[key] !== user[key]) Object.assign(out, { [key]: patch[key] })
  }
  if (patch.tracks) {
    const tracks = Object.fromEntries(
      Object.entries(patch.tracks).filter(
        ([k, v]) => v !== undefined && user.tracks[k as keyof typeof user.tracks] !== v,
      ),
    )
    if (Object.keys(tracks).length > 0) out.tracks = tracks
  }
  return Object.keys(out).length > 0 ? out : undefined
}

/** A new user, unless the room is full, the caller has too many tabs here, or the host removed them. */
function connect(state: RoomState, data: CommandData<'Connect'>, limits: RoomLimits, emit: Emit) {
  const { userId, name, verified, key } = data
  if (state.users.some((u) => u.id === userId)) return []
  if (state.removed?.some((barred) => userId.startsWith(barred))) {
    throw new RoomError('removed', 'You were removed from this meeting')
  }
  if (key && state.users.filter((u) => u.id.startsWith(key)).length >= limits.perIdentity) {
    throw new RoomError('too_many_connections', `At most ${limits.perIdentity} tabs of one person in a room`)
  }
  if (state.users.filter((u) => !u.joined).length >= limits.lobby) {
    throw new RoomError('room_full', 'Too many people are waiting in the lobby of this room')
  }
  return [emit('UserConnected', { userId, name, verified })]
}

function updateUser(
  state: RoomState,
  data: CommandData<'UpdateUser'>,
  limits: RoomLimits,
  emit: Emit,
  meetingId: string,
) {
  const { userId } = data
  const patch = effectivePatch(state, userId, data.patch)
  if (!patch) return []
  if (patch.name !== undefined && userOf(state, userId).verified) {
    throw new RoomError('name_locked', 'Your name comes from your sign-in (verified) and cannot be changed here')
  }
  if (patch.joined) {
    if (state.locked) throw new RoomError('room_locked', 'The host locked this meeting: nobody new can join')
    if (state.users.filter((u) => u.joined).length >= limits.participants) {
      throw new RoomError('room_full', `This meeting is full (${limits.participants} people)`)
    }
  }
  const events: RoomEvent[] = []
  if (patch.joined && !state.meetingId) events.push(emit('MeetingStarted', { meetingId, e2ee: data.e2ee ?? true }))
  events.push(emit('UserUpdated', { userId, patch }))
  if (patch.joined && !state.host) events.push(emit('HostAssigned', { userId }))
  if (patch.joined === false) {
    events.push(...handOver(state, userId, emit))
    events.push(...endIfEmpty(state, joinedExcept(state, userId), emit))
  }
  return events
}

export function decide(state: RoomState, command: RoomCommand, limits: RoomLimits = DEFAULT_LIMITS): RoomEvent[] {
  const emit = emitter(command.metadata)
  switch (command.type) {
    case 'Connect':
      return connect(state, command.data, limits, emit)
    case 'UpdateUser':
      return updateUser(state, command.data, limits, emit, command.metadata.id)
    case 'Disconnect': {
      const { userId } = command.data
      if (!state.users.some((u) => u.id === userId)) return []
      const events: RoomEvent[] = []
      if (aiController(state.ai) === userId) events.push(emit('AiControlReleased', { userId }))
      events.push(emit('UserDisconnected', command.data))
      events.push(...handOver(state, userId, emit))
      events.push(...endIfEmpty(state, joinedExcept(state, userId), emit))
      return events
    }
    case 'MuteUser':
    case 'AskToUnmute':
    case 'RemoveUser':
    case 'TransferHost':
    case 'SetLock':
    case 'EndMeeting':
      return decideRole(state, command, emit)
    case 'SpotlightUser':
    case 'EndSpotlight':
      return decideSpotlight(state, command, emit)
    case 'OperatorRemoveUser':
    case 'OperatorEndMeeting':
      return decideOperator(state, command, emit)
    case 'CommitMls':
      return decideCommit(state, command.data, emit)
    case 'OfferKeyPackage':
      return decideKeyPackage(state, command.data.userId, command.data.lost === true, emit)
    case 'RaiseHand':
      return userOf(state, command.data.userId).raisedHand ? [] : [emit('HandRaised', command.data)]
    case 'LowerHand':
      return userOf(state, command.data.userId).raisedHand ? [emit('HandLowered', command.data)] : []
    case 'SendChat': {
      const user = userOf(state, command.data.userId)
      if (!user.joined) throw new RoomError('not_joined', 'Join the meeting to chat')
      return [
        emit('ChatMessageSent', {
          messageId: command.metadata.id,
          userId: user.id,
          name: user.name,
          message: command.data.message,
        }),
      ]
    }
    case 'SendDirect': {
      userOf(state, command.data.from)
      userOf(state, command.data.to)
      return [emit('DirectMessageSent', { messageId: command.metadata.id, ...command.data })]
    }
    case 'InviteAi': {
      const user = userOf(state, command.data.by)
      if (!user.joined) throw new RoomError('not_joined', 'Join the meeting to invite the AI')
      if (aiPresent(state.ai)) throw new RoomError('conflict', 'The AI is already here or on its way')
      // The AI hears and speaks through the SFU, which only ever sees encrypted frames here; a
      // meeting's e2ee is fixed when it opens, so an AI in a meeting means it is not encrypted.
      if (state.e2ee) throw new RoomError('e2ee_on', AI_REFUSED_IN_E2EE)
      return [emit('AiInvited', command.data)]
    }
    case 'CompleteAi':
      if (state.ai.status !== 'pending') throw new RoomError('conflict', 'The AI was not invited')
      return [emit('AiJoined', command.data)]
    case 'FailAi':
      return aiPresent(state.ai) ? [emit('AiFailed', command.data)] : []
    case 'DismissAi':
      return aiPresent(state.ai) ? [emit('AiDismissed', command.data)] : []
    case 'TakeAiControl': {
      userOf(state, command.data.userId)
      if (state.ai.status !== 'joined') throw new RoomError('conflict', 'The AI is not in the meeting')
      if (state.ai.controllingUser === command.data.userId) return []
      if (state.ai.controllingUser) throw new RoomError('conflict', 'Someone else is talking to the AI')
      return [emit('AiControlTaken', command.data)]
    }
    case 'ReleaseAiControl':
      return aiController(state.ai) === command.data.userId ? [emit('AiControlReleased', command.data)] : []
    default: {
      const unknown: never = command
      throw new Error(`Unknown command ${(unknown as { type: string }).type}`)
    }
  }
}
