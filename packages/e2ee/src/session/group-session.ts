import type { ClientMessage, LoggedEvent, RoomErrorCode, RoomState } from '@tangerine/contracts'
import { GroupMember } from '../mls/member.ts'
import { fromBase64, toBase64 } from '../mls/wire.ts'
import type { EpochSecret } from '../sframe/frame-crypto.ts'

/** Where this person's encryption stands, for the lock icon. */
export interface E2eeStatus {
  /** `off`: not an E2EE meeting, or not in it. `waiting`: not (yet) holding the group's current epoch. */
  state: 'off' | 'waiting' | 'active'
  epoch?: number
  safetyNumber?: string
  /** The group's members (user ids), once active. */
  members: string[]
}

export type MlsClientMessage = Extract<ClientMessage, { type: 'mlsKeyPackage' | 'mlsCommit' }>

export interface SessionOutput {
  /** To go out on the room socket. */
  send(message: MlsClientMessage): void
  /** A new epoch's media secret and our sender index in it: frames are encrypted and decrypted with it. */
  mediaKey(key: EpochSecret, leafIndex: number): void
  status(status: E2eeStatus): void
}

export interface SessionTiming {
  /** How often someone waiting to be added sends their KeyPackage again (a committer may have missed it). */
  keyPackageResendMs: number
  /** How long the n-th holder waits (n × this) for the first to commit a change before committing it itself. */
  commitFallbackMs: number
}

const DEFAULT_TIMING: SessionTiming = { keyPackageResendMs: 3000, commitFallbackMs: 3000 }

/**
 * One person's side of the meeting's MLS group, driven by the room socket: the room states and
 * events it receives (in order) and the KeyPackages the room relays. The room says who holds the
 * group and who starts it (`mlsMembers`, `MlsGroupStarted`); from that every client knows its part:
 * the first holder commits the group's changes (add whoever sent a KeyPackage, remove whoever left),
 * someone not holding it asks to be added, a holder applies each taken Commit. A client that falls
 * out of step (a Commit it cannot apply, a gap in what it received, a reload) starts over with a new
 * KeyPackage: it is re-added in a new epoch, never shown an old one.
 */
export class GroupSession {
  readonly #userId: string
  readonly #out: SessionOutput
  readonly #timing: SessionTiming
  #member: GroupMember | undefined
  #room: RoomState | undefined
  /** The latest KeyPackage of each person asking to be added. */
  readonly #keyPackages = new Map<string, Uint8Array>()
  #commitInFlight = false
  /** When a change the group needs was first seen, for the fallback committers. */
  #changeNeededSince: number | undefined
  #keyPackageSentAt = 0
  #lostSent = false
  /** The epoch whose Welcome is ours: the room's Commit adding us has come, the Welcome is next. */
  #welcomeDue: number | undefined
  #queue: Promise<void> = Promise.resolve()
  #timer: ReturnType<typeof setTimeout> | undefined
  #closed = false
  #lastStatus = ''

  private constructor(userId: string, out: SessionOutput, timing: SessionTiming) {
    this.#userId = userId
    this.#out = out
    this.#timing = timing
  }

  static create(userId: string, out: SessionOutput, timing: Partial<SessionTiming> = {}): GroupSession {
    return new GroupSession(userId, out, { ...DEFAULT_TIMING, ...timing })
  }

  /** A whole state from the room (on connecting, after a gap, on joining). */
  state(state: RoomState): void {
    this.#enqueue(async () => {
      this.#room = state
      await this.#reconcile()
    })
  }

  /** An event from the room, in order, with the state after it. */
  event(event: LoggedEvent, after: RoomState): void {
    this.#enqueue(async () => {
      this.#room = after
      await this.#apply(event)
      await this.#reconcile()
    })
  }

  /** A KeyPackage the room relayed from `from`, who asks to be added. */
  keyPackage(from: string, payload: string): void {
    this.#enqueue(async () => {
      let bytes: Uint8Array
      try {
        bytes = fromBase64(payload)
        // Anyone may say anything inside a KeyPackage; the room vouches only for who sent it.
        if (GroupMember.identityOf(bytes) !== from) return
      } catch {
        return
      }
      this.#keyPackages.set(from, bytes)
      await this.#reconcile()
    })
  }

  /** A refusal from the room: a Commit of ours was not taken. */
  error(code: RoomErrorCode): void {
    if (code !== 'stale_epoch' && code !== 'bad_mls') return
    this.#enqueue(async () => {
      this.#commitInFlight = false
      await this.#reconcile()
    })
  }

  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    this.#member = undefined
  }

  /** Steps run one at a time, in arrival order: MLS steps are async and must not interleave. */
  #enqueue(step: () => Promise<void>) {
    this.#queue = this.#queue.then(async () => {
      if (this.#closed) return
      try {
        await step()
      } catch {
        // Whatever failed left this client unsure of its group: start over rather than guess.
        this.#member = undefined
        await this.#reconcile().catch(() => {})
      }
    })
  }

  get #me() {
    return this.#room?.users.find((u) => u.id === this.#userId)
  }

  async #apply(event: LoggedEvent) {
    const member = this.#member
    switch (event.type) {
      case 'MlsCommitted': {
        this.#commitInFlight = false
        // The Commit that adds us comes just before its Welcome: we hold the group from the Welcome on.
        if (!member?.hasGroup && event.data.adds?.includes(this.#userId)) this.#welcomeDue = event.data.epoch
        if (!member?.hasGroup || !member.isMember) return
        if (event.data.by === this.#userId) {
          const made = BigInt(event.data.epoch - 1)
          if (member.pendingEpoch !== made) throw new Error('a Commit of ours we do not hold')
          member.commitAccepted(made)
        } else {
          await member.processCommit(fromBase64(event.data.commit))
          if (!member.isMember) return
        }
        return this.#newEpoch(member)
      }
      case 'MlsWelcomed': {
        if (!event.data.to.includes(this.#userId) || !member || member.hasGroup) return
        this.#welcomeDue = undefined
        await member.join(fromBase64(event.data.welcome))
        return this.#newEpoch(member)
      }
      default:
        return
    }
  }

  async #newEpoch(member: GroupMember) {
    this.#out.mediaKey(await member.mediaKey(), member.leafIndex)
  }

  /** A client for a new start: no group, a fresh KeyPackage. */
  async #fresh(): Promise<GroupMember> {
    this.#lostSent = false
    this.#welcomeDue = undefined
    this.#keyPackageSentAt = 0
    this.#commitInFlight = false
    this.#member = await GroupMember.create(this.#userId)
    return this.#member
  }

  async #reconcile(): Promise<void> {
    const room = this.#room
    if (!room?.e2ee || !this.#me?.joined) {
      this.#member = undefined
      return this.#report()
    }
    const holders = room.mlsMembers ?? []
    const holding = holders.includes(this.#userId)
    let member = this.#member ?? (await this.#fresh())
    if (member.hasGroup) {
      const inStep =
        member.isMember && holding && member.groupId === room.mlsGroup && member.epoch === BigInt(room.mlsEpoch ?? 0)
      if (!inStep) member = await this.#fresh()
    }

    if (!member.hasGroup) {
      if (holding && holders.length === 1 && room.mlsEpoch === 0 && room.mlsGroup) {
        // The room named us to start the group.
        await member.startGroup(room.mlsGroup)
        await this.#newEpoch(member)
      } else if (holding && this.#welcomeDue === room.mlsEpoch) {
        // Added by the last Commit: its Welcome is the next event.
      } else if (holding) {
        // The room has us holding a group this client does not have (a reload, a step missed).
        if (!this.#lostSent) {
          this.#lostSent = true
          this.#out.send({ type: 'mlsKeyPackage', payload: toBase64(member.keyPackage), lost: true })
        }
      } else {
        this.#askToBeAdded(member)
      }
    }
    if (member.hasGroup) this.#commitChanges(member, room, holders)
    this.#report()
  }

  #askToBeAdded(member: GroupMember) {
    const now = Date.now()
    const due = this.#keyPackageSentAt + this.#timing.keyPackageResendMs
    if (now >= due) {
      this.#keyPackageSentAt = now
      this.#out.send({ type: 'mlsKeyPackage', payload: toBase64(member.keyPackage) })
    }
    this.#wake(Math.max(0, this.#keyPackageSentAt + this.#timing.keyPackageResendMs - now))
  }

  /** Adds whoever asked and removes whoever left, if it is our turn to. */
  #commitChanges(member: GroupMember, room: RoomState, holders: string[]) {
    const joined = (id: string) => room.users.some((u) => u.id === id && u.joined)
    for (const id of this.#keyPackages.keys()) if (holders.includes(id) || !joined(id)) this.#keyPackages.delete(id)
    const inGroup = member.members()
    const remove = inGroup.filter((id) => !holders.includes(id))
    // Someone still in the group is added again only with their old leaf's removal (a reload).
    const add = [...this.#keyPackages].filter(
      ([id]) => id !== this.#userId && (!inGroup.includes(id) || remove.includes(id)),
    )
    if (remove.length === 0 && add.length === 0) {
      this.#changeNeededSince = undefined
      return
    }
    if (this.#commitInFlight) return
    const now = Date.now()
    this.#changeNeededSince ??= now
    const wait = holders.indexOf(this.#userId) * this.#timing.commitFallbackMs
    if (now - this.#changeNeededSince < wait) return this.#wake(this.#changeNeededSince + wait - now)
    this.#commitInFlight = true
    // Sent from the queue: nothing else runs until the commit is made and on its way.
    return this.#enqueueCommit(member, add, remove)
  }

  #enqueueCommit(member: GroupMember, add: [string, Uint8Array][], remove: string[]) {
    this.#enqueue(async () => {
      if (this.#member !== member || !member.isMember) return
      const outgoing = await member.change({ add: add.map(([, kp]) => kp), remove })
      this.#out.send({
        type: 'mlsCommit',
        epoch: Number(outgoing.epoch),
        commit: toBase64(outgoing.commit),
        ...(outgoing.welcome ? { welcome: { to: add.map(([id]) => id), payload: toBase64(outgoing.welcome) } } : {}),
      })
    })
  }

  #wake(ms: number) {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => this.#enqueue(() => this.#reconcile()), ms)
  }

  #report() {
    const member = this.#member
    const room = this.#room
    const active = room?.e2ee && member?.hasGroup && member.isMember && (room.mlsMembers ?? []).includes(this.#userId)
    const status: E2eeStatus =
      active && member
        ? {
            state: 'active',
            epoch: Number(member.epoch),
            safetyNumber: member.safetyNumber(),
            members: member.members(),
          }
        : { state: room?.e2ee && this.#me?.joined ? 'waiting' : 'off', members: [] }
    const key = JSON.stringify(status)
    if (key === this.#lastStatus) return
    this.#lastStatus = key
    this.#out.status(status)
  }
}
