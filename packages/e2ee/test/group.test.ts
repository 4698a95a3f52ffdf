import { describe, expect, it } from 'vitest'
import { FrameDecryptor, FrameEncryptor, GroupMember, fromBase64, toBase64 } from '../src/index.ts'
import { Delivery } from './support/delivery.ts'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

async function meeting(...names: string[]) {
  const people = await Promise.all(names.map((n) => GroupMember.create(n)))
  const [founder, ...others] = people
  await founder!.startGroup('room-1')
  const delivery = new Delivery(founder!)
  if (others.length > 0) await delivery.add(founder!, others)
  return { people, delivery }
}

describe('an MLS group of the room', () => {
  it('gives three members the same media key and safety number for their epoch', async () => {
    const { people } = await meeting('alice', 'bob', 'carol')
    const keys = await Promise.all(people.map((p) => p.mediaKey()))
    expect(new Set(keys.map((k) => hex(k.secret))).size).toBe(1)
    expect(keys.map((k) => k.epoch)).toEqual([1n, 1n, 1n])
    expect(new Set(people.map((p) => p.safetyNumber())).size).toBe(1)
    expect(people[0]!.safetyNumber()).toMatch(/^\d{5}( \d{5}){5}$/)
    expect(people[2]!.members()).toEqual(['alice', 'bob', 'carol'])
  })

  it('changes the safety number and the media key with every epoch', async () => {
    const { people, delivery } = await meeting('alice', 'bob')
    const before = { number: people[0]!.safetyNumber(), key: hex((await people[0]!.mediaKey()).secret) }
    await delivery.add(people[1]!, [await GroupMember.create('carol')])
    expect(people[0]!.safetyNumber()).toBe(people[1]!.safetyNumber())
    expect(people[0]!.safetyNumber()).not.toBe(before.number)
    expect(hex((await people[0]!.mediaKey()).secret)).not.toBe(before.key)
  })

  it('locks a removed member out of the next epochs', async () => {
    const { people, delivery } = await meeting('alice', 'bob', 'carol')
    const [alice, bob, carol] = people as [GroupMember, GroupMember, GroupMember]
    const carolsLastKey = await carol.mediaKey()
    const removal = await alice.remove(['carol'])
    // carol still gets the commit that removes her (her socket may be open): it tells her she is out.
    expect(await delivery.submit(alice, removal, { leaving: [carol] })).toBe('accepted')
    expect(carol.isMember).toBe(false)
    await expect(carol.mediaKey()).rejects.toThrow('removed from the group')
    expect(bob.members()).toEqual(['alice', 'bob'])

    const next = await bob.add([(await GroupMember.create('dave')).keyPackage])
    await expect(carol.processCommit(next.commit)).rejects.toThrow()

    // What alice says now does not open with the last key carol had, even passed off as the new epoch's.
    const now = await alice.mediaKey()
    expect(now.epoch).toBe(2n)
    const frame = await (await FrameEncryptor.create(now, alice.leafIndex)).encrypt('opus', new Uint8Array([0x78, 1]))
    const carolsView = new FrameDecryptor()
    carolsView.setEpoch(carolsLastKey)
    await expect(carolsView.decrypt('opus', frame)).rejects.toThrow('no key for key id')
    carolsView.setEpoch({ epoch: now.epoch, secret: carolsLastKey.secret })
    await expect(carolsView.decrypt('opus', frame)).rejects.toThrow('did not authenticate')
  })

  it('gives a late joiner the current epoch key and none before it', async () => {
    const { people, delivery } = await meeting('alice', 'bob')
    const earlier = await people[0]!.mediaKey()
    const dave = await GroupMember.create('dave')
    await delivery.add(people[0]!, [dave])
    const current = await people[1]!.mediaKey()
    expect(hex((await dave.mediaKey()).secret)).toBe(hex(current.secret))
    expect(dave.epoch).toBe(2n)
    expect(hex(current.secret)).not.toBe(hex(earlier.secret))
    // A frame of the epoch before dave joined: his decryptor has no key for it.
    const old = await (
      await FrameEncryptor.create(earlier, people[0]!.leafIndex)
    ).encrypt('opus', new Uint8Array([1, 2]))
    const davesView = new FrameDecryptor()
    davesView.setEpoch(await dave.mediaKey())
    await expect(davesView.decrypt('opus', old)).rejects.toThrow('no key for key id')
  })

  it('refuses a forged or altered commit and stays in its epoch', async () => {
    const { people } = await meeting('alice', 'bob', 'carol')
    const [alice, bob] = people as [GroupMember, GroupMember]
    const epoch = bob.epoch
    const key = hex((await bob.mediaKey()).secret)
    const { commit } = await alice.remove(['carol'])
    for (const at of [commit.length - 1, Math.floor(commit.length / 2), 20]) {
      const altered = commit.slice()
      altered[at]! ^= 0x01
      await expect(bob.processCommit(altered)).rejects.toThrow()
    }
    // A commit from a look-alike group (same id, same names, its own keys) is not ours either.
    const [mallory, eve] = await Promise.all([GroupMember.create('alice'), GroupMember.create('bob')])
    await mallory.startGroup('room-1')
    const forged = await mallory.add([eve.keyPackage])
    await expect(bob.processCommit(forged.commit)).rejects.toThrow()

    expect(bob.epoch).toBe(epoch)
    expect(hex((await bob.mediaKey()).secret)).toBe(key)
    // And the genuine commit still applies afterwards.
    await bob.processCommit(commit)
    expect(bob.epoch).toBe(epoch + 1n)
  })

  it('round-trips handshake bytes through base64 for the room socket', async () => {
    const alice = await GroupMember.create('alice')
    const text = toBase64(alice.keyPackage)
    expect(text).toMatch(/^[A-Za-z0-9+/]+=*$/)
    expect(hex(fromBase64(text))).toBe(hex(alice.keyPackage))
  })
})
