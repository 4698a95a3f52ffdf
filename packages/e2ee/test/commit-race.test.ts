import { expect, it } from 'vitest'
import { GroupMember } from '../src/index.ts'
import { Delivery } from './support/delivery.ts'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

it('two commits for one epoch: the loser takes the winner, retries, and everyone agrees', async () => {
  const [alice, bob, dave, erin] = await Promise.all(['alice', 'bob', 'dave', 'erin'].map((n) => GroupMember.create(n)))
  await alice!.startGroup('room-race')
  const delivery = new Delivery(alice!)
  await delivery.add(alice!, [bob!])

  // dave and erin knock at the same moment; alice adds dave while bob adds erin, both in epoch 1.
  const byAlice = await alice!.add([dave!.keyPackage])
  const byBob = await bob!.add([erin!.keyPackage])
  expect(byAlice.epoch).toBe(byBob.epoch)

  expect(await delivery.submit(alice!, byAlice, { joining: [dave!] })).toBe('accepted')
  expect(await delivery.submit(bob!, byBob, { joining: [erin!] })).toBe('retry')
  // bob processed alice's commit over his own pending one (submit relayed it): same epoch as her.
  expect(bob!.epoch).toBe(alice!.epoch)
  expect(() => bob!.commitAccepted(byBob.epoch)).toThrow('no pending commit')

  const retry = await bob!.add([erin!.keyPackage])
  expect(await delivery.submit(bob!, retry, { joining: [erin!] })).toBe('accepted')

  const everyone = [alice!, bob!, dave!, erin!]
  expect(everyone.map((m) => m.epoch)).toEqual([3n, 3n, 3n, 3n])
  expect(new Set(everyone.map((m) => m.safetyNumber())).size).toBe(1)
  const keys = await Promise.all(everyone.map(async (m) => hex((await m.mediaKey()).secret)))
  expect(new Set(keys).size).toBe(1)
  expect(alice!.members().sort()).toEqual(['alice', 'bob', 'dave', 'erin'])
})
