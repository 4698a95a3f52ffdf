import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { connect, isError, isEvent, isState, randomRoom } from '../helpers/socket.ts'

describe('display names in the room', () => {
  it('marks a person whose identity comes from Access as verified, and a lobby name as not', async () => {
    const room = randomRoom()
    const ada = await connect(room, 'Ada Lovelace', { source: 'access' })
    await ada.next(isState)
    const mallory = await connect(room, 'Ada Lovelace')
    const seen = await mallory.next(isState)
    const byId = new Map(seen.state.users.map((u) => [u.id, u]))
    expect(byId.get(ada.id)).toMatchObject({ name: 'Ada Lovelace', verified: true })
    expect(byId.get(mallory.id)).toMatchObject({ name: 'Ada Lovelace', verified: false })
    // The UserConnected event everyone else folds says the same.
    const joined = await ada.next(isEvent('UserConnected', (d) => d.userId === mallory.id))
    expect(joined.event.data).toMatchObject({ verified: false })
  })

  it('refuses a verified person’s rename with name_locked and changes nothing', async () => {
    const room = randomRoom()
    const ada = await connect(room, 'Ada Lovelace', { source: 'access' })
    await ada.next(isState)
    const before = await env.ROOM.getByName(room).getState()
    ada.send({ type: 'userUpdate', user: { name: 'Grace Hopper', joined: true } })
    const error = await ada.next(isError)
    expect(error.code).toBe('name_locked')
    expect(error.error).toMatch(/verified/)
    expect((await env.ROOM.getByName(room).getState()).seq).toBe(before.seq)
    // Anything else is still theirs to change; so is re-sending the same name.
    const from = ada.messages.length
    ada.send({ type: 'userUpdate', user: { name: 'Ada Lovelace', joined: true } })
    await ada.next(isEvent('UserUpdated'), from)
    const after = await env.ROOM.getByName(room).getState()
    expect(after.state.users.find((u) => u.id === ada.id)).toMatchObject({
      name: 'Ada Lovelace',
      joined: true,
      verified: true,
    })
  })

  it('lets a lobby person rename, normalized, but never to hidden characters', async () => {
    const room = randomRoom()
    const bob = await connect(room, 'Bob')
    await bob.next(isState)
    for (const name of ['Alice\u202E', 'Al\u200Bice', '\uFEFFAlice', 'Alice\u2028']) {
      const from = bob.messages.length
      bob.send({ type: 'userUpdate', user: { name } })
      const error = await bob.next(isError, from)
      expect(error.code).toBe('invalid_message')
      expect(error.error).toMatch(/control and invisible characters/)
    }
    expect((await env.ROOM.getByName(room).getState()).state.users[0]?.name).toBe('Bob')
    bob.send({ type: 'userUpdate', user: { name: '  Bob   Builder ' } })
    const renamed = await bob.next(isEvent('UserUpdated'))
    expect(renamed.event.data).toMatchObject({ patch: { name: 'Bob Builder' } })
  })
})
