import {
  CHAT_HISTORY_IN_STATE,
  type LoggedEvent,
  type RoomState,
  type User,
  type UserPatch,
} from '@tangerine/contracts'
import { aiController, released } from './ai.ts'

/**
 * The room's state is a pure fold of its log: `log.reduce(evolve, initialState())`.
 * Shared with the browser, which folds the same events it receives.
 */
export function initialState(): RoomState {
  return {
    peakUserCount: 0,
    users: [],
    ai: { status: 'absent' },
    chat: [],
  }
}

const joinedCount = (users: readonly User[]) => users.filter((u) => u.joined).length

function newUser(id: string, name: string, verified: boolean): User {
  return {
    id,
    name,
    verified,
    raisedHand: false,
    speaking: false,
    joined: false,
    tracks: { audioEnabled: false, audioUnavailable: false, videoEnabled: false, screenShareEnabled: false },
  }
}

function patchUser(user: User, patch: UserPatch): User {
  const { tracks, ...rest } = patch
  return { ...user, ...rest, tracks: tracks ? { ...user.tracks, ...tracks } : user.tracks }
}

function updateUser(state: RoomState, id: string, change: (user: User) => User): RoomState {
  const users = state.users.map((u) => (u.id === id ? change(u) : u))
  return { ...state, users, peakUserCount: Math.max(state.peakUserCount, joinedCount(users)) }
}

/** Joining stamps when, for the host's succession; leaving the meeting clears it. */
function joinedSince(user: User, patch: UserPatch, seq: number): User {
  if (patch.joined === true) return { ...user, joinedSeq: seq }
  if (patch.joined === false) {
    const { joinedSeq: _seq, ...rest } = user
    return rest
  }
  return user
}

/** Those users gone, with the roles they held let go (the decisions that follow name a new host). */
function without(state: RoomState, gone: (u: User) => boolean): RoomState {
  const users = state.users.filter((u) => !gone(u))
  const stays = (id?: string) => id !== undefined && users.some((u) => u.id === id)
  const controller = aiController(state.ai)
  const ai = controller && !stays(controller) ? released(state.ai) : state.ai
  return { ...state, users, ai, host: stays(state.host) ? state.host : undefined }
}

export function evolve(state: RoomState, event: LoggedEvent): RoomState {
  const next = apply(state, event)
  if (next.users === state.users) return next
  return spotlightStillJoined(next.mlsMembers ? holdersStillJoined(next) : next)
}

/** Whoever leaves the meeting (by any way out) leaves the spotlight too: no stage shows an empty seat. */
function spotlightStillJoined(state: RoomState): RoomState {
  if (!state.spotlight || state.users.some((u) => u.id === state.spotlight && u.joined)) return state
  const { spotlight: _gone, ...rest } = state
  return rest
}

/** Whoever leaves the meeting (by any way out) stops holding its MLS group. */
function holdersStillJoined(state: RoomState): RoomState {
  const members = state.mlsMembers ?? []
  const kept = members.filter((id) => state.users.some((u) => u.id === id && u.joined))
  return kept.length === members.length ? state : { ...state, mlsMembers: kept }
}

function apply(state: RoomState, event: LoggedEvent): RoomState {
  switch (event.type) {
    case 'MeetingStarted':
      return {
        ...state,
        meetingId: event.data.meetingId,
        meetingStartedAt: event.metadata.at,
        ...(event.data.e2ee ? { e2ee: true, mlsEpoch: 0, mlsMembers: [] } : { e2ee: false }),
        peakUserCount: joinedCount(state.users),
      }
    case 'MeetingEnded': {
      // The host, the lock, the spotlight and who was removed belong to the meeting: the next one starts afresh.
      const {
        meetingId: _id,
        meetingStartedAt: _at,
        host: _host,
        locked: _locked,
        removed: _removed,
        spotlight: _spotlight,
        ...meeting
      } = state
      // So does its MLS group: the next meeting's first member starts a new one at epoch 0.
      const { e2ee: _e2ee, mlsEpoch: _epoch, mlsGroup: _group, mlsMembers: _members, ...rest } = meeting
      return { ...rest, peakUserCount: 0 }
    }
    case 'UserConnected':
      if (state.users.some((u) => u.id === event.data.userId)) return state
      return {
        ...state,
        users: [...state.users, newUser(event.data.userId, event.data.name, event.data.verified ?? false)],
      }
    case 'UserUpdated':
      return updateUser(state, event.data.userId, (u) =>
        joinedSince(patchUser(u, event.data.patch), event.data.patch, event.seq),
      )
    case 'UserDisconnected':
      return without(state, (u) => u.id === event.data.userId)
    case 'UserMuted':
      return updateUser(state, event.data.userId, (u) => ({ ...u, tracks: { ...u.tracks, audioEnabled: false } }))
    case 'HandRaised':
      return updateUser(state, event.data.userId, (u) => ({ ...u, raisedHand: true }))
    case 'HandLowered':
      return updateUser(state, event.data.userId, (u) => ({ ...u, raisedHand: false }))
    case 'ChatMessageSent': {
      const message = {
        id: event.data.messageId,
        seq: event.seq,
        userId: event.data.userId,
        name: event.data.name,
        message: event.data.message,
        at: event.metadata.at,
      }
      return { ...state, chat: [...state.chat, message].slice(-CHAT_HISTORY_IN_STATE) }
    }
    case 'DirectMessageSent':
      return state
    case 'AiInvited':
      return { ...state, ai: { status: 'pending' } }
    case 'AiJoined':
      return { ...state, ai: { status: 'joined', sessionId: event.data.sessionId, trackName: event.data.trackName } }
    case 'AiFailed':
      return { ...state, ai: { status: 'failed', error: event.data.error } }
    case 'AiDismissed':
      return { ...state, ai: { status: 'absent' } }
    case 'AiControlTaken':
      // Only a joined AI is handed to someone (decide refuses it otherwise).
      return state.ai.status === 'joined'
        ? { ...state, ai: { ...state.ai, controllingUser: event.data.userId } }
        : state
    case 'AiControlReleased':
      return { ...state, ai: released(state.ai) }
    case 'HostAssigned':
      return { ...state, host: event.data.userId }
    case 'UnmuteRequested':
      return state
    case 'UserRemoved':
    case 'UserRemovedByOperator': {
      const removed = state.removed ?? []
      const next = without(state, (u) => u.id === event.data.userId)
      return { ...next, removed: removed.includes(event.data.key) ? removed : [...removed, event.data.key] }
    }
    case 'RoomLocked':
      return { ...state, locked: true }
    case 'RoomUnlocked':
      return { ...state, locked: false }
    case 'UserSpotlighted':
      return { ...state, spotlight: event.data.userId }
    case 'SpotlightEnded': {
      const { spotlight: _ended, ...rest } = state
      return rest
    }
    case 'MeetingEndedForAll':
    case 'MeetingEndedByOperator':
      return without(state, (u) => u.joined)
    case 'MlsGroupStarted':
      return { ...state, mlsGroup: event.data.groupId, mlsEpoch: 0, mlsMembers: [event.data.creator] }
    case 'MlsCommitted': {
      const members = state.mlsMembers ?? []
      const adds = (event.data.adds ?? []).filter((id) => !members.includes(id))
      return { ...state, mlsEpoch: event.data.epoch, ...(adds.length > 0 ? { mlsMembers: [...members, ...adds] } : {}) }
    }
    case 'MlsWelcomed':
      return state
    case 'MlsMemberLost':
      return { ...state, mlsMembers: (state.mlsMembers ?? []).filter((id) => id !== event.data.userId) }
    default: {
      const unknown: never = event
      throw new Error(`Unknown event ${(unknown as { type: string }).type}`)
    }
  }
}
