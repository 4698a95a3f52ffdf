import type { LoggedEvent, MlsWelcome, RoomEvent, RoomState, ServerMessage } from '@tangerine/contracts'
import { evolve } from '@tangerine/room-model'
import { emitter, RoomError, userOf, type Cmd, type CommandMetadata, type Emit } from './decision.ts'

/**
 * The room as the MLS delivery service. It holds no key and reads no MLS message: it orders
 * Commits by the epoch their senders declare (one per epoch), logs them for members who reconnect,
 * delivers Welcomes only to those a taken Commit adds, and says who should commit a removal.
 * A false epoch claim can only get its own Commit refused, or have the sender's group part from
 * everyone else's: each client checks every Commit against its own group before applying it.
 */

export type MlsCommand = Cmd<'CommitMls', { userId: string; epoch: number; commit: string; welcome?: MlsWelcome }>

/** Only someone in an E2EE meeting has MLS business here. */
function requireMember(state: RoomState, userId: string) {
  if (!userOf(state, userId).joined) throw new RoomError('not_joined', 'Join the meeting first')
  if (!state.e2ee) throw new RoomError('e2ee_off', 'This meeting is not end-to-end encrypted')
}

/** The first Commit made at the room's epoch is taken; any other changes nothing and is told to retry. */
export function decideCommit(state: RoomState, command: MlsCommand, emit: Emit): RoomEvent[] {
  const { userId, epoch, commit, welcome } = command.data
  requireMember(state, userId)
  const current = state.mlsEpoch ?? 0
  if (epoch !== current) {
    const why = epoch < current ? 'has already moved on' : 'has not reached that epoch'
    throw new RoomError(
      'stale_epoch',
      `Your Commit was made at epoch ${epoch} but the group ${why}: it is at epoch ${current}. ` +
        'Apply the Commits you missed, then commit again',
    )
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
  const events = [emit('MlsCommitted', { by: userId, epoch: next, commit })]
  if (welcome) events.push(emit('MlsWelcomed', { by: userId, to, epoch: next, welcome: welcome.payload }))
  return events
}

/** The frame relaying a joiner's KeyPackage to the meeting; refused outside an E2EE meeting. */
export function keyPackageFrame(state: RoomState, from: string, payload: string): string {
  requireMember(state, from)
  return JSON.stringify({ type: 'mlsKeyPackage', from, payload } satisfies ServerMessage)
}

/**
 * For each person `fresh` takes out of an E2EE meeting (left, removed, timed out, back to the
 * lobby), a notice naming who should commit their removal: the longest joined of those who stay,
 * so one Commit is made rather than a race of them. `seq` is the log position before `fresh`.
 */
export function removalNotices(
  before: RoomState,
  seq: number,
  fresh: RoomEvent[],
  metadata: CommandMetadata,
): RoomEvent[] {
  if (!before.e2ee) return []
  const after = fresh.reduce((s, e, i) => evolve(s, { ...e, seq: seq + i + 1 } as LoggedEvent), before)
  if (!after.e2ee) return []
  const staying = after.users.filter((u) => u.joined).sort((a, b) => (a.joinedSeq ?? 0) - (b.joinedSeq ?? 0))
  const committer = staying[0]
  if (!committer) return []
  const emit = emitter({ ...metadata, actor: 'system' })
  return before.users
    .filter((u) => u.joined && !staying.some((s) => s.id === u.id))
    .map((u) => emit('MlsRemovalNeeded', { userId: u.id, committer: committer.id, epoch: after.mlsEpoch ?? 0 }))
}
