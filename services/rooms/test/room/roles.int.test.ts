import { RoomCloseCode, type RoomState, type ServerMessage } from '@tangerine/contracts'
import { env } from 'cloudflare:workers'
import { evictDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { connect, isError, isEvent, isState, randomRoom, type TestSocket } from '../helpers/socket.ts'

const stateOf = async (room: string) => (await env.ROOM.getByName(room).getState()).state
const refusal = (socket: TestSocket, code: string, from = 0) =>
  socket.next((m): m is Extract<ServerMessage, { type: 'error' }> => isError(m) && m.code === code, from)

async function join(room: string, name: string, user: object = {}) {
  const socket = await connect(room, name)
  await socket.next(isState)
  socket.send({ type: 'userUpdate', user: { joined: true, ...user } })
  await socket.next(isEvent('UserUpdated', (d) => d.userId === socket.id))
  return socket
}

/** A host, a guest with their mic on, and someone in the lobby. */
async function meeting() {
  const room = randomRoom()
  const host = await join(room, 'Host')
  const guest = await join(room, 'Guest', { tracks: { audioEnabled: true } })
  const lobby = await connect(room, 'Lobby')
  await lobby.next(isState)
  return { room, host, guest, lobby }
}

describe('who may act on whom', () => {
  it('refuses mutes from the lobby and from anyone but the host, however often, and changes nothing', async () => {
    const { room, host, guest, lobby } = await meeting()
    const before = await env.ROOM.getByName(room).getState()
    for (let i = 0; i < 3; i++) lobby.send({ type: 'muteUser', id: guest.id })
    await lobby.next(() => lobby.messages.filter((m) => isError(m) && m.code === 'not_joined').length === 3)
    for (const message of [
      { type: 'muteUser', id: host.id },
      { type: 'removeUser', id: host.id },
      { type: 'makeHost', id: guest.id },
      { type: 'lockRoom', locked: true },
      { type: 'endMeeting' },
    ] as const) {
      const from = guest.messages.length
      guest.send(message)
      expect((await refusal(guest, 'forbidden', from)).error).toMatch(/^Only the host can/)
    }
    expect(await env.ROOM.getByName(room).getState()).toEqual(before)
  })

  it('lets the host mute a guest, who sees who did it; the guest may mute only themself', async () => {
    const { host, guest } = await meeting()
    host.send({ type: 'muteUser', id: guest.id })
    const muted = await guest.next(isEvent('UserMuted', (d) => d.userId === guest.id))
    expect(muted.event.data).toMatchObject({ by: host.id })
    host.send({ type: 'askToUnmute', id: guest.id })
    await guest.next(isEvent('UnmuteRequested', (d) => d.by === host.id))
  })

  it('removes someone: their socket closes, they cannot come back in this meeting', async () => {
    const { room, host, guest, lobby } = await meeting()
    host.send({ type: 'removeUser', id: guest.id })
    await guest.next(isEvent('UserRemoved', (d) => d.userId === guest.id && d.by === host.id))
    expect((await guest.closed).code).toBe(RoomCloseCode.removed)
    await lobby.next(isEvent('UserRemoved'))
    // Another tab of theirs: same user key, new id.
    const again = await connect(room, 'Guest', { id: `${guest.id.slice(0, 16)}${'0'.repeat(16)}` })
    await refusal(again, 'removed')
    expect((await again.closed).code).toBe(RoomCloseCode.removed)
    expect((await stateOf(room)).users.map((u) => u.name)).toEqual(['Host', 'Lobby'])
  })

  it('hands the host role to the longest present when the host leaves, and on request', async () => {
    const { room, host, guest } = await meeting()
    const third = await join(room, 'Third')
    host.send({ type: 'makeHost', id: third.id })
    await guest.next(isEvent('HostAssigned', (d) => d.userId === third.id && d.by === host.id))
    third.send({ type: 'userLeft' })
    await guest.next(isEvent('HostAssigned', (d) => d.userId === host.id && d.by === undefined))
    expect((await stateOf(room)).host).toBe(host.id)
  })
})

describe('locking and ending', () => {
  it('a locked room shows the lobby it is locked and takes nobody in, even after eviction', async () => {
    const { room, host } = await meeting()
    host.send({ type: 'lockRoom', locked: true })
    await host.next(isEvent('RoomLocked', (d) => d.by === host.id))
    await evictDurableObject(env.ROOM.getByName(room), { webSockets: 'hibernate' })
    const newcomer = await connect(room, 'Newcomer')
    expect((await newcomer.next(isState)).state.locked).toBe(true)
    newcomer.send({ type: 'userUpdate', user: { joined: true } })
    await refusal(newcomer, 'room_locked')
    const state: RoomState = await stateOf(room)
    expect(state.users.find((u) => u.id === newcomer.id)?.joined).toBe(false)
    expect(state.host).toBe(host.id)
  })

  it('the host ends the meeting for everyone in it; the lobby stays, and D1 records the end', async () => {
    const { room, host, guest, lobby } = await meeting()
    const meetingId = (await stateOf(room)).meetingId!
    host.send({ type: 'endMeeting' })
    await lobby.next(isEvent('MeetingEndedForAll', (d) => d.by === host.id))
    for (const s of [host, guest]) expect((await s.closed).code).toBe(RoomCloseCode.meetingEnded)
    const state = await stateOf(room)
    expect(state.users.map((u) => u.name)).toEqual(['Lobby'])
    expect(state.meetingId).toBeUndefined()
    const row = await env.DB.prepare('SELECT ended_at AS ended FROM meetings WHERE id = ?')
      .bind(meetingId)
      .first<{ ended: string | null }>()
    expect(row?.ended).toMatch(/^\d{4}-/)
  })
})

describe('caps (6 in a meeting, 6 in a lobby, 5 tabs a person in tests)', () => {
  it('refuses a sixth tab of one person before making a user of it', async () => {
    const room = randomRoom()
    const key = crypto.randomUUID().replaceAll('-', '').slice(0, 16)
    const tab = (i: number) => `${key}${String(i).padStart(16, '0')}`
    for (let i = 0; i < 5; i++) await (await connect(room, 'Many', { id: tab(i) })).next(isState)
    const sixth = await connect(room, 'Many', { id: tab(5) })
    await refusal(sixth, 'too_many_connections')
    expect((await sixth.closed).code).toBe(RoomCloseCode.tooManyConnections)
    expect((await stateOf(room)).users).toHaveLength(5)
    // Nor may one tab open sockets without end: ten (reconnects overlap), not eleven.
    for (let i = 0; i < 5; i++) await (await connect(room, 'Many', { id: tab(0) })).next(isState)
    const eleventh = await connect(room, 'Many', { id: tab(0) })
    expect((await eleventh.closed).code).toBe(RoomCloseCode.tooManyConnections)
  })

  it('refuses a seventh person in the meeting and a seventh in the lobby', async () => {
    const room = randomRoom()
    for (let i = 0; i < 6; i++) await join(room, `P${i}`)
    const waiting = await Promise.all(Array.from({ length: 6 }, (_, i) => connect(room, `W${i}`)))
    await Promise.all(waiting.map((s) => s.next(isState)))
    waiting[0]!.send({ type: 'userUpdate', user: { joined: true } })
    expect((await refusal(waiting[0]!, 'room_full')).error).toMatch(/full/)
    const late = await connect(room, 'Late')
    await refusal(late, 'room_full')
    expect((await late.closed).code).toBe(RoomCloseCode.roomFull)
    expect((await stateOf(room)).users).toHaveLength(12)
  })
})
