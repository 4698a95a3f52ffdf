import {
  readMlsFraming,
  type LoggedEvent,
  type MlsWelcome,
  type RoomEvent,
  type RoomState,
  type ServerMessage,
} from '@tangerine/contracts'
import { evolve } from '@tangerine/room-model'
import { emitter, RoomError, userOf, type Cmd, type CommandMetadata, type Emit } from './decision.ts'

/**
 * The room as the MLS delivery service. It holds no key and reads no MLS message's content: it
 * names who starts the group, orders Commits by epoch (one per epoch, and only from someone holding
 * the group), checks each message's clear framing against what its sender claims, logs Commits for
 * members who reconnect, delivers Welcomes only to those a taken Commit adds, and keeps who holds
 * the group so that the first of them commits its changes. A client still checks every Commit
 * against its own group before applying it: the framing says where a message belongs, not that a
 * member made it.
 */

export type MlsCommand =
  | Cmd<'CommitMls', { userId: string; epoch: number; commit: string; welcome?: MlsWelcome }>
  | Cmd<'OfferKeyPackage', { userId: string; lost?: true }>

/** Only someone in an E2EE meeting has MLS business here. */
function requireMember(state: RoomState, userId: string) {
  if (!userOf(state, userId).joined) throw new RoomError('not_joined', 'Join the meeting first')
  if (!state.e2ee) throw new RoomError('e2ee_off', 'This meeting is not end-to-end encrypted')
}

const holds = (state: RoomState, userId: string) => (state.mlsMembers ?? []).includes(userId)

/** The first Commit made at the room's epoch is taken; any other changes nothing and is told why. */
export function decideCommit(state: RoomState, data: Extract<MlsCommand, { type: 'CommitMls' }>['data'], emit: Emit) {
  const { userId, epoch, commit, welcome } = data
  requireMember(state, userId)
  if (!holds(state, userId)) {
    throw new RoomError('bad_mls', 'You do not hold the meeting’s MLS group: send a KeyPackage to be added')
  }
  const current = state.mlsEpoch ?? 0
  if (epoch !== current) {
    const why = epoch < current ? 'has already moved on' : 'has not reached that epoch'
    throw new RoomError(
      'stale_epoch',
      `Your Commit was made at epoch ${epoch} but the group ${why}: it is at epoch ${current}. ` +
        'Apply the Commits you missed, then commit again',
    )
  }
  const framing = readMlsFraming(commit)
  if (framing?.wireFormat !== 'private_message' && framing?.wireFormat !== 'public_message') {
    throw new RoomError('bad_mls', 'That is not an MLS handshake message')
  }
  if (framing.contentType !== 'commit')
    throw new RoomError('bad_mls', `That MLS message is a ${framing.contentType}, not a Commit`)
  if (framing.groupId !== state.mlsGroup) throw new RoomError('bad_mls', 'That Commit belongs to another MLS group')
  // A Commit replayed from an earlier epoch, or relabelled with the current one, says otherwise inside.
  if (framing.epoch !== epoch) {
    throw new RoomError(
      'stale_epoch',
      `That Commit was made at epoch ${framing.epoch}, not ${epoch}: the group is at epoch ${current}`,
    )
  }
  if (welcome && readMlsFraming(welcome.payload)?.wireFormat !== 'welcome') {
    throw new RoomError('bad_mls', 'The Welcome is not an MLS Welcome')
  }
  const to = [...new Set(welcome?.to ?? [])]
  for (const id of to) {
    // A Welcome is for someone in the meeting now: anyone else would not get it, or should not.
    if (id === userId || !state.users.some((u) => u.id === id && u.joined))
      throw new RoomError(
        'not_joined',
        `Your Welcome names ${id}, who is not in the meeting: commit again without them`,
      )
  }
  const next = current + 1
  const events = [emit('MlsCommitted', { by: userId, epoch: next, commit, ...(to.length > 0 ? { adds: to } : {}) })]
  if (welcome) events.push(emit('MlsWelcomed', { by: userId, to, epoch: next, welcome: welcome.payload }))
  return events
}

/**
 * A KeyPackage asks to be added. Sent as `lost` by someone the room has holding the group, it says
 * their client lost it (a reload): they hold it no more, and the group will replace their old leaf.
 * Without `lost` it changes nothing here (one sent just before its sender's Welcome arrived).
 */
export function decideKeyPackage(state: RoomState, userId: string, lost: boolean, emit: Emit): RoomEvent[] {
  requireMember(state, userId)
  return lost && holds(state, userId) ? [emit('MlsMemberLost', { userId })] : []
}

/** The frame relaying a joiner's KeyPackage to the meeting; refused outside an E2EE meeting. */
export function keyPackageFrame(state: RoomState, from: string, payload: string): string {
  requireMember(state, from)
  if (readMlsFraming(payload)?.wireFormat !== 'key_package')
    throw new RoomError('bad_mls', 'That is not an MLS KeyPackage')
  return JSON.stringify({ type: 'mlsKeyPackage', from, payload } satisfies ServerMessage)
}

/**
 * When `fresh` leaves an E2EE meeting with people in it but nobody holding its MLS group (it has just
 * opened, or all who held it have gone or lost it), the longest joined is named to start a new one.
 * `seq` is the log position before `fresh`; the group id is unique to this meeting and this start.
 */
export function groupUpkeep(
  before: RoomState,
  seq: number,
  fresh: RoomEvent[],
  metadata: CommandMetadata,
): RoomEvent[] {
  if (fresh.length === 0) return []
  const after = fresh.reduce((s, e, i) => evolve(s, { ...e, seq: seq + i + 1 } as LoggedEvent), before)
  if (!after.e2ee || !after.meetingId || (after.mlsMembers ?? []).length > 0) return []
  const creator = after.users.filter((u) => u.joined).sort((a, b) => (a.joinedSeq ?? 0) - (b.joinedSeq ?? 0))[0]
  if (!creator) return []
  const emit = emitter({ ...metadata, actor: 'system' })
  return [emit('MlsGroupStarted', { creator: creator.id, groupId: `${after.meetingId}/${seq + fresh.length + 1}` })]
}
