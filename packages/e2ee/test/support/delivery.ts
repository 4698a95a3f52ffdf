import type { GroupMember, OutgoingCommit } from '../../src/index.ts'

/**
 * The room's part as these tests need it, until the room Durable Object takes it over: the one
 * Commit per epoch rule (the first commit for the room's epoch wins, any other is told to retry)
 * and the relay of the winner's commit to the other members and its Welcome to the joiners.
 */
export class Delivery {
  epoch = 0n
  readonly members: GroupMember[] = []

  constructor(founder: GroupMember) {
    this.members.push(founder)
  }

  async submit(
    from: GroupMember,
    outgoing: OutgoingCommit,
    change: { joining?: GroupMember[]; leaving?: GroupMember[] } = {},
  ): Promise<'accepted' | 'retry'> {
    if (outgoing.epoch !== this.epoch) return 'retry'
    this.epoch++
    from.commitAccepted(outgoing.epoch)
    for (const member of this.members) if (member !== from) await member.processCommit(outgoing.commit)
    for (const leaving of change.leaving ?? []) this.members.splice(this.members.indexOf(leaving), 1)
    for (const joiner of change.joining ?? []) {
      if (!outgoing.welcome) throw new Error('an add without a Welcome')
      await joiner.join(outgoing.welcome)
      this.members.push(joiner)
    }
    return 'accepted'
  }

  /** Adds people through `by`, as the room's designated committer would. */
  async add(by: GroupMember, joining: GroupMember[]): Promise<void> {
    const outgoing = await by.add(joining.map((j) => j.keyPackage))
    if ((await this.submit(by, outgoing, { joining })) !== 'accepted') throw new Error('add refused')
  }
}
