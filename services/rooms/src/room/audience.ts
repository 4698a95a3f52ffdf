import {
  audienceOf,
  type AiState,
  type LoggedEvent,
  type RoomState,
  type ServerMessage,
  type User,
  type UserPatch,
} from '@tangerine/contracts'

/**
 * What a socket may see depends on its user: in the meeting, everything; in the lobby, who is
 * there and whether their mic and camera are on, but no Calls session ids or track names (which
 * would let a lobby pull the meeting's media), no chat, no MLS handshake and no spotlight.
 */
export type View = 'meeting' | 'lobby'

/** How a socket sees the operator who removed someone or ended the meeting. */
export const OPERATOR_SHOWN = 'operator'

export const viewOf = (state: RoomState, userId: string): View =>
  state.users.some((u) => u.id === userId && u.joined) ? 'meeting' : 'lobby'

function lobbyUser(user: User): User {
  const { transceiverSessionId: _session, tracks, ...rest } = user
  const { audio: _audio, video: _video, screenshare: _screen, ...flags } = tracks
  return { ...rest, tracks: flags }
}

function lobbyPatch(patch: UserPatch): UserPatch | undefined {
  const { transceiverSessionId: _session, tracks, ...rest } = patch
  const out: UserPatch = { ...rest }
  if (tracks) {
    const { audio: _audio, video: _video, screenshare: _screen, ...flags } = tracks
    if (Object.keys(flags).length > 0) out.tracks = flags
  }
  return Object.keys(out).length > 0 ? out : undefined
}

function lobbyAi(ai: AiState): AiState {
  if (ai.status !== 'joined') return ai
  const { sessionId: _session, trackName: _track, ...rest } = ai
  return rest
}

export function stateFor(state: RoomState, view: View): RoomState {
  if (view === 'meeting') return state
  // Whether the meeting is encrypted is the lobby's to know; where its MLS group stands is not,
  // nor whom the host put on the stage (the meeting's view, sent whole on joining, has it).
  const { mlsEpoch: _epoch, mlsGroup: _group, mlsMembers: _members, spotlight: _spotlight, ...shown } = state
  return { ...shown, users: state.users.map(lobbyUser), ai: lobbyAi(state.ai), chat: [] }
}

/** The event as `userId` in `view` may see it, or undefined when it is withheld from them. */
export function eventFor(event: LoggedEvent, view: View, userId: string): LoggedEvent | undefined {
  const audience = audienceOf(event)
  if (audience !== 'everyone' && !audience.includes(userId)) return undefined
  // Which operator acted stays in the operators' log: the room hears only that one did.
  if (event.type === 'UserRemovedByOperator') return { ...event, data: { ...event.data, operator: OPERATOR_SHOWN } }
  if (event.type === 'MeetingEndedByOperator') return { ...event, data: { ...event.data, operator: OPERATOR_SHOWN } }
  if (view === 'meeting') return event
  switch (event.type) {
    case 'ChatMessageSent':
    case 'AiJoined':
    case 'MlsCommitted':
    case 'MlsWelcomed':
    case 'MlsGroupStarted':
    case 'MlsMemberLost':
    case 'UserSpotlighted':
    case 'SpotlightEnded':
      return undefined
    case 'UserUpdated': {
      const patch = lobbyPatch(event.data.patch)
      return patch ? { ...event, data: { ...event.data, patch } } : undefined
    }
    default:
      return event
  }
}

/**
 * The frames carrying `events` to `userId`: each event itself, or only its position. Serialised
 * once per kind of reader (`cache`, shared over one broadcast), not once per socket.
 */
export function framesFor(events: LoggedEvent[], view: View, userId: string, cache: Map<string, string>): string[] {
  return events.map((event) => {
    const audience = audienceOf(event)
    const key = `${event.seq}|${view}|${audience === 'everyone' || audience.includes(userId)}`
    let frame = cache.get(key)
    if (frame === undefined) {
      const visible = eventFor(event, view, userId)
      const message: ServerMessage = visible ? { type: 'event', event: visible } : { type: 'withheld', seq: event.seq }
      frame = JSON.stringify(message)
      cache.set(key, frame)
    }
    return frame
  })
}
