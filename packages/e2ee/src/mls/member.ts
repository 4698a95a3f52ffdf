import {
  acceptAll,
  createCommit,
  createGroup,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  generateKeyPackage,
  joinGroup,
  mlsExporter,
  processMessage,
  type ClientState,
  type KeyPackage,
  type PrivateKeyPackage,
  type Proposal,
} from 'ts-mls'
import type { EpochSecret } from '../sframe/frame-crypto.ts'
import { ciphersuite } from './ciphersuite.ts'
import { safetyNumber } from './safety-number.ts'
import {
  decodeHandshake,
  decodeKeyPackage,
  decodeWelcome,
  encodeKeyPackage,
  encodeMessage,
  encodeWelcome,
} from './wire.ts'

// The label binds the exported secret to its one use (RFC 9420 §8.5): frame keys for this app.
const MEDIA_KEY_LABEL = 'tangerine sframe'
const MEDIA_KEY_BYTES = 32

export interface OutgoingCommit {
  /** The epoch the commit was made in: the room accepts one commit per epoch. */
  epoch: bigint
  commit: Uint8Array
  /** Present when the commit adds members; it goes to them only once the room accepted the commit. */
  welcome?: Uint8Array
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * One participant's MLS client. The next user is the browser's E2EE Web Worker, fed by the room
 * socket: the room (the delivery service) orders handshake messages and holds no key.
 *
 * A commit this member makes is held as pending until the room says it won its epoch
 * (`commitAccepted`); if another member's commit for that epoch arrives first, `processCommit`
 * drops the pending one, and the caller retries its change in the new epoch.
 */
export class GroupMember {
  readonly keyPackage: Uint8Array
  private readonly ownKeyPackage: { public: KeyPackage; private: PrivateKeyPackage }
  private state: ClientState | undefined
  private pending: { epoch: bigint; state: ClientState } | undefined

  private constructor(keyPackage: { publicPackage: KeyPackage; privatePackage: PrivateKeyPackage }) {
    this.ownKeyPackage = { public: keyPackage.publicPackage, private: keyPackage.privatePackage }
    this.keyPackage = encodeKeyPackage(keyPackage.publicPackage)
  }

  static async create(identity: string): Promise<GroupMember> {
    const credential = { credentialType: 'basic' as const, identity: encoder.encode(identity) }
    const keyPackage = await generateKeyPackage(
      credential,
      defaultCapabilities(),
      defaultLifetime,
      [],
      await ciphersuite(),
    )
    return new GroupMember(keyPackage)
  }

  /** The first person in an E2EE room starts its group, alone at epoch 0. */
  async startGroup(groupId: string): Promise<void> {
    if (this.state) throw new Error('already in a group')
    const keys = this.ownKeyPackage
    this.state = await createGroup(encoder.encode(groupId), keys.public, keys.private, [], await ciphersuite())
  }

  /** Joins from a Welcome; the ratchet tree travels inside it, so nothing else is needed. */
  async join(welcome: Uint8Array): Promise<void> {
    if (this.state) throw new Error('already in a group')
    const keys = this.ownKeyPackage
    this.state = await joinGroup(decodeWelcome(welcome), keys.public, keys.private, emptyPskIndex, await ciphersuite())
  }

  /** Whether this client has started or joined a group (it may since have been removed from it). */
  get hasGroup(): boolean {
    return this.state !== undefined
  }

  get groupId(): string {
    return decoder.decode(this.active().groupContext.groupId)
  }

  /** The epoch a commit of ours awaits the room's word in, if one does. */
  get pendingEpoch(): bigint | undefined {
    return this.pending?.epoch
  }

  get epoch(): bigint {
    return this.active().groupContext.epoch
  }

  get leafIndex(): number {
    return this.active().privatePath.leafIndex
  }

  /** Identities of the group's members, in leaf order. */
  members(): string[] {
    return this.leaves().map((leaf) => leaf.identity)
  }

  async add(keyPackages: Uint8Array[]): Promise<OutgoingCommit> {
    return this.change({ add: keyPackages })
  }

  async remove(identities: string[]): Promise<OutgoingCommit> {
    return this.change({ remove: identities })
  }

  /**
   * One Commit for a set of changes: removals first, so someone whose client was replaced (a reload)
   * leaves with their old leaf and comes back with their new KeyPackage in the same epoch.
   */
  async change({ add = [], remove = [] }: { add?: Uint8Array[]; remove?: string[] }): Promise<OutgoingCommit> {
    const removals: Proposal[] = remove.map((identity) => {
      const leaf = this.leaves().find((l) => l.identity === identity)
      if (!leaf) throw new Error(`${identity} is not a member`)
      return { proposalType: 'remove', remove: { removed: leaf.index } }
    })
    const adds: Proposal[] = add.map((bytes) => ({ proposalType: 'add', add: { keyPackage: decodeKeyPackage(bytes) } }))
    return this.commit([...removals, ...adds])
  }

  /** The identity a KeyPackage claims (its basic credential), to check it against who sent it. */
  static identityOf(keyPackage: Uint8Array): string {
    const credential = decodeKeyPackage(keyPackage).leafNode.credential
    if (credential.credentialType !== 'basic') throw new Error('not a basic credential')
    return decoder.decode(credential.identity)
  }

  /** The room accepted this member's commit for its epoch: move to the next epoch. */
  commitAccepted(epoch: bigint): void {
    if (!this.pending || this.pending.epoch !== epoch) throw new Error(`no pending commit for epoch ${epoch}`)
    this.state = this.pending.state
    this.pending = undefined
  }

  /**
   * Applies another member's commit. A forged, altered or out-of-epoch commit throws and leaves
   * this member where it was (ts-mls states are immutable: nothing is replaced until it succeeded).
   */
  async processCommit(commit: Uint8Array): Promise<void> {
    const state = this.active()
    const result = await processMessage(decodeHandshake(commit), state, emptyPskIndex, acceptAll, await ciphersuite())
    if (result.kind !== 'newState') throw new Error('expected a commit, got an application message')
    const removed = result.newState.groupActiveState.kind === 'removedFromGroup'
    // A removed member stays in its old epoch: it cannot derive the new one's secrets.
    if (!removed && result.newState.groupContext.epoch !== state.groupContext.epoch + 1n) {
      throw new Error('not a commit')
    }
    this.state = result.newState
    // Our own commit for that epoch lost the race: the room will not relay it.
    this.pending = undefined
  }

  /** False once a processed commit removed this member: it then holds no key of any later epoch. */
  get isMember(): boolean {
    return this.state?.groupActiveState.kind === 'active'
  }

  /** The current epoch's media secret, from the MLS exporter; frame keys are derived from it. */
  async mediaKey(): Promise<EpochSecret> {
    const state = this.active()
    const secret = await mlsExporter(
      state.keySchedule.exporterSecret,
      MEDIA_KEY_LABEL,
      new Uint8Array(),
      MEDIA_KEY_BYTES,
      await ciphersuite(),
    )
    return { epoch: state.groupContext.epoch, secret }
  }

  safetyNumber(): string {
    return safetyNumber(this.active().keySchedule.epochAuthenticator)
  }

  private async commit(proposals: Proposal[]): Promise<OutgoingCommit> {
    const state = this.active()
    const result = await createCommit(
      { state, cipherSuite: await ciphersuite() },
      // Private (encrypted) commits keep membership changes unreadable to the room; the Welcome
      // carries the ratchet tree so a joiner needs no other message.
      { extraProposals: proposals, ratchetTreeExtension: true },
    )
    this.pending = { epoch: state.groupContext.epoch, state: result.newState }
    return {
      epoch: state.groupContext.epoch,
      commit: encodeMessage(result.commit),
      ...(result.welcome ? { welcome: encodeWelcome(result.welcome) } : {}),
    }
  }

  private active(): ClientState {
    if (!this.state) throw new Error('not in a group yet')
    if (this.state.groupActiveState.kind !== 'active') throw new Error('removed from the group')
    return this.state
  }

  private leaves(): { index: number; identity: string }[] {
    const leaves: { index: number; identity: string }[] = []
    this.active().ratchetTree.forEach((node, nodeIndex) => {
      if (node?.nodeType !== 'leaf') return
      const credential = node.leaf.credential
      if (credential.credentialType !== 'basic') return
      leaves.push({ index: nodeIndex / 2, identity: decoder.decode(credential.identity) })
    })
    return leaves
  }
}
