import { readMlsFraming } from '@tangerine/contracts'
import { describe, expect, it } from 'vitest'
import { GroupMember, toBase64 } from '../src/index.ts'

// The room reads only the clear framing of MLS messages; here it is read off real ones.
describe('the framing the room reads', () => {
  it('tells a KeyPackage, a Commit (its group and epoch) and a Welcome apart', async () => {
    const alice = await GroupMember.create('alice')
    const bob = await GroupMember.create('bob')
    await alice.startGroup('meeting-1/5')
    const outgoing = await alice.add([bob.keyPackage])
    expect(readMlsFraming(toBase64(bob.keyPackage))).toEqual({ wireFormat: 'key_package' })
    expect(readMlsFraming(toBase64(outgoing.welcome!))).toEqual({ wireFormat: 'welcome' })
    expect(readMlsFraming(toBase64(outgoing.commit))).toEqual({
      wireFormat: 'private_message',
      groupId: 'meeting-1/5',
      epoch: 0,
      contentType: 'commit',
    })
    alice.commitAccepted(0n)
    const next = await alice.remove(['bob'])
    expect(readMlsFraming(toBase64(next.commit))).toMatchObject({ groupId: 'meeting-1/5', epoch: 1 })
  })

  it('reads bytes that are not one MLS message as none', async () => {
    const alice = await GroupMember.create('alice')
    await alice.startGroup('g')
    const commit = (await alice.add([(await GroupMember.create('bob')).keyPackage])).commit
    for (const bytes of [new Uint8Array([0, 2]), commit.subarray(0, 8), new Uint8Array([0, 1, 0, 9])]) {
      expect(readMlsFraming(toBase64(bytes))).toBeUndefined()
    }
    expect(readMlsFraming(btoa('a forged commit'))).toBeUndefined()
  })
})
