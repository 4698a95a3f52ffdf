import type { ServerMessage } from '@tangerine/contracts'
import { env } from 'cloudflare:workers'
import { evictDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { connect, isError, isEvent, isState, randomRoom, type TestSocket } from '../helpers/socket.ts'

const roomOf = (room: string) => env.ROOM.getByName(room)
const refusal = (socket: TestSocket, code: string, from: number) =>
  socket.next((m): m is Extract<ServerMessage, { type: 'error' }> => isError(m) && m.code === code, from)

async function join(room: string, name: string) {
  const socket = await connect(room, name)
  await socket.next(isState)
  socket.send({ type: 'userUpdate', user: { joined: true } })
  await socket.next(isEvent('UserUpdated', (d) => d.userId === socket.id))
  return socket
}

/** A host, a guest, and someone in the lobby. */
async function meeting() {
  const room = randomRoom()
  const host = await join(room, 'Host')
  const guest = await join(room, 'Guest')
  const lobby = await connect(room, 'Lobby')
  await lobby.next(isState)
  return { room, host, guest, lobby }
}

describe('spotlight for everyone', () => {
  it('the host spotlights a guest: the meeting is told, the lobby is not, and a reload after eviction still has it', async () => {
    const { room, host, guest, lobby } = await meeting()
    host.send({ type: 'spotlight', id: guest.id })
    for (const s of [host, guest]) {
      await s.next(isEvent('UserSpotlighted', (d) => d.userId === guest.id && d.by === host.id))
    }
    // The lobby gets only the log position; joining brings the whole state, spotlight and all.
    const seq = (await roomOf(room).getState()).seq
    await lobby.next((m) => m.type === 'withheld' && m.seq === seq)
    const lobbyState = (await connect(room, 'Lobby', { id: lobby.id })).next(isState)
    expect((await lobbyState).state).not.toHaveProperty('spotlight')
    await evictDurableObject(roomOf(room), { webSockets: 'hibernate' })
    // A reloaded page (same tab id, a new socket) gets it in the room's state.
    const again = await connect(room, 'Host', { id: host.id })
    expect((await again.next(isState)).state.spotlight).toBe(guest.id)
    host.send({ type: 'endSpotlight' })
    await guest.next(isEvent('SpotlightEnded', (d) => d.by === host.id))
    expect((await roomOf(room).getState()).state.spotlight).toBeUndefined()
  })

  it('refuses a guest, the lobby and a stranger’s target with a clear error, and changes nothing', async () => {
    const { room, host, guest, lobby } = await meeting()
    host.send({ type: 'spotlight', id: host.id })
    await guest.next(isEvent('UserSpotlighted'))
    const before = await roomOf(room).getState()
    const tries: Array<[TestSocket, object, string, RegExp]> = [
      [guest, { type: 'spotlight', id: guest.id }, 'forbidden', /^Only the host can spotlight people/],
      [guest, { type: 'endSpotlight' }, 'forbidden', /^Only the host can end the spotlight/],
      [lobby, { type: 'spotlight', id: lobby.id }, 'not_joined', /^Join the meeting to spotlight people/],
      [lobby, { type: 'endSpotlight' }, 'not_joined', /^Join the meeting/],
      [host, { type: 'spotlight', id: lobby.id }, 'not_joined', /^Lobby is not in the meeting/],
      [host, { type: 'spotlight', id: 'nobody-here-1234' }, 'unknown_user', /^No user/],
      // What no page sends: a raw socket's malformed spotlight never reaches the decision.
      [guest, { type: 'spotlight' }, 'invalid_message', /^id:/],
      [host, { type: 'spotlight', id: 'x'.repeat(65) }, 'invalid_message', /^id:/],
    ]
    for (const [socket, message, code, error] of tries) {
      const from = socket.messages.length
      socket.send(JSON.stringify(message))
      expect((await refusal(socket, code, from)).error).toMatch(error)
    }
    expect(await roomOf(room).getState()).toEqual(before)
  })

  it('ends when the spotlighted person leaves the meeting', async () => {
    const { room, host, guest } = await meeting()
    host.send({ type: 'spotlight', id: guest.id })
    await host.next(isEvent('UserSpotlighted'))
    guest.send({ type: 'userLeft' })
    await host.next(isEvent('UserDisconnected', (d) => d.userId === guest.id))
    expect((await roomOf(room).getState()).state.spotlight).toBeUndefined()
    const late = await connect(room, 'Late')
    expect((await late.next(isState)).state).not.toHaveProperty('spotlight')
  })
})
