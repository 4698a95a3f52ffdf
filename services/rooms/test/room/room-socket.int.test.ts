import { env } from 'cloudflare:workers'
import { runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { connect, isEvent, isState, randomRoom, type TestSocket } from '../helpers/socket.ts'
import { mirror, serverState } from '../helpers/mirror.ts'
import { stateFor } from '../../src/room/audience.ts'

/** Sockets connected in turn, each one in the room (its roomState received) before the next. */
async function inTurn(room: string, names: string[]): Promise<TestSocket[]> {
  const sockets: TestSocket[] = []
  for (const name of names) {
    const socket = await connect(room, name)
    await socket.next(isState)
    sockets.push(socket)
  }
  return sockets
}

describe('room sockets', () => {
  it('shows everyone the others joining, updating and leaving; a newcomer gets the same state', async () => {
    const room = randomRoom()
    const ada = await connect(room, 'Ada')
    await ada.next(isState)
    const bob = await connect(room, 'Bob')
    await ada.next(isEvent('UserConnected', (d) => d.name === 'Bob'))

    ada.send({ type: 'userUpdate', user: { joined: true, tracks: { audioEnabled: true, audio: 's1/mic' } } })
    await bob.next(isEvent('UserUpdated', (d) => d.userId === ada.id))
    bob.send({ type: 'userUpdate', user: { joined: true } })
    await ada.next(isEvent('UserUpdated', (d) => d.userId === bob.id))

    const cy = await connect(room, 'Cy')
    const welcome = await cy.next(isState)
    await Promise.all([ada, bob].map((s) => s.next(isEvent('UserConnected', (d) => d.name === 'Cy'))))

    // Everyone's fold of what they received equals what the newcomer was given.
    const server = await serverState(room)
    expect(mirror(ada.messages)).toEqual(server)
    expect(mirror(bob.messages)).toEqual(server)
    // Cy waits in the lobby: the same people, without their Calls ids and track names.
    expect({ seq: welcome.seq, state: welcome.state }).toEqual({
      seq: server.seq,
      state: stateFor(server.state, 'lobby'),
    })
    expect(welcome.state.users[0]?.tracks).not.toHaveProperty('audio')
    expect(server.state.users.map((u) => [u.name, u.joined])).toEqual([
      ['Ada', true],
      ['Bob', true],
      ['Cy', false],
    ])
    expect(server.state.users[0]?.tracks).toMatchObject({ audioEnabled: true, audio: 's1/mic' })

    bob.send({ type: 'userLeft' })
    await bob.closed
    await Promise.all(
      [ada, cy].map((s) => s.next(isEvent('UserDisconnected', (d) => d.userId === bob.id && d.reason === 'left'))),
    )
    expect((await serverState(room)).state.users.map((u) => u.name)).toEqual(['Ada', 'Cy'])
    const after = await serverState(room)
    expect(mirror(cy.messages)).toEqual({ seq: after.seq, state: stateFor(after.state, 'lobby') })
  })

  it('counts the peak of joined users, ends the meeting when the room empties and records it in D1', async () => {
    const room = randomRoom()
    const sockets = await Promise.all(['A', 'B', 'C'].map((n) => connect(room, n)))
    for (const s of sockets) {
      await s.next(isState)
      s.send({ type: 'userUpdate', user: { joined: true } })
    }
    // Each socket's own update proves its join was applied: one socket's order says nothing of another's.
    await Promise.all(sockets.map((s) => s.next(isEvent('UserUpdated', (d) => d.userId === s.id))))
    const [a, b, c] = sockets as [(typeof sockets)[0], (typeof sockets)[0], (typeof sockets)[0]]
    expect((await serverState(room)).state.peakUserCount).toBe(3)

    c.send({ type: 'userLeft' })
    await a.next(isEvent('UserDisconnected', (d) => d.userId === c.id))
    const d = await connect(room, 'D')
    await d.next(isState)
    d.send({ type: 'userUpdate', user: { joined: true } })
    await a.next(isEvent('UserUpdated', (x) => x.userId === d.id))
    let { state } = await serverState(room)
    expect(state.users.filter((u) => u.joined)).toHaveLength(3)
    expect(state.peakUserCount).toBe(3)
    const meetingId = state.meetingId
    expect(meetingId).toBeDefined()

    for (const s of [a, b, d]) s.send({ type: 'userLeft' })
    await Promise.all([a, b, d].map((s) => s.closed))
    ;({ state } = await serverState(room))
    expect(state.users).toEqual([])
    expect(state.meetingId).toBeUndefined()
    const row = await env.DB.prepare(
      'SELECT room, peak_user_count AS peak, ended_at AS ended FROM meetings WHERE id = ?',
    )
      .bind(meetingId!)
      .first<{ room: string; peak: number; ended: string | null }>()
    expect(row).toMatchObject({ room, peak: 3 })
    expect(row?.ended).toMatch(/^\d{4}-/)
  })

  it('times out a user whose heartbeats stop, and closes their socket', async () => {
    // The room reads Date.now() in this isolate, so the test holds its clock: the wall clock
    // (and how loaded the machine is) decides nothing. HEARTBEAT_INTERVAL_MS is an hour in tests,
    // so no real sweep runs while the test moves time.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const interval = Number(env.HEARTBEAT_INTERVAL_MS)
      const start = Date.now()
      const room = randomRoom()
      const stub = env.ROOM.getByName(room)
      const [alive, silent] = (await inTurn(room, ['Alive', 'Silent'])) as [TestSocket, TestSocket]
      await alive.next(isEvent('UserConnected', (d) => d.userId === silent.id))
      const names = async () => (await serverState(room)).state.users.map((u) => u.name)

      // Two intervals on, Alive pings as the page does every heartbeat; the pong says it was heard.
      vi.setSystemTime(start + 2 * interval)
      alive.send({ type: 'partyserver-ping' })
      await alive.next((m) => m.type === 'partyserver-pong')
      expect(await runDurableObjectAlarm(stub)).toBe(true)
      expect(await names()).toEqual(['Alive', 'Silent'])
      // Silent for exactly 2.5 intervals is still within the limit.
      vi.setSystemTime(start + 2.5 * interval)
      expect(await runDurableObjectAlarm(stub)).toBe(true)
      expect(await names()).toEqual(['Alive', 'Silent'])

      vi.setSystemTime(start + 2.5 * interval + 1)
      expect(await runDurableObjectAlarm(stub)).toBe(true)
      await alive.next(isEvent('UserDisconnected', (d) => d.userId === silent.id && d.reason === 'timeout'))
      expect((await silent.closed).code).toBe(4001)
      expect(await names()).toEqual(['Alive'])
      expect(
        alive.messages.some(
          (m) => m.type === 'event' && m.event.type === 'UserDisconnected' && m.event.data.userId === alive.id,
        ),
      ).toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })

  it('sends a direct message to its recipient only, and lets the host mute another', async () => {
    const room = randomRoom()
    // One after the other: a socket hears of those who connect after its roomState, so A must be
    // in before C connects for the wait on C's arrival below to mean anything.
    const [a, b, c] = await inTurn(room, ['A', 'B', 'C'])
    await a!.next(isEvent('UserConnected', (d) => d.userId === c!.id))
    a!.send({ type: 'userUpdate', user: { joined: true } })
    await a!.next(isEvent('HostAssigned', (d) => d.userId === a!.id))
    b!.send({ type: 'userUpdate', user: { joined: true, tracks: { audioEnabled: true } } })
    await a!.next(isEvent('UserUpdated', (d) => d.userId === b!.id))

    a!.send({ type: 'directMessage', to: b!.id, message: 'psst' })
    const dm = await b!.next(isEvent('DirectMessageSent'))
    expect(dm.event.data).toMatchObject({ from: a!.id, to: b!.id, message: 'psst' })

    a!.send({ type: 'muteUser', id: b!.id })
    await b!.next(isEvent('UserMuted', (d) => d.userId === b!.id && d.by === a!.id))
    await c!.next(isEvent('UserMuted'))
    expect(c!.messages.some((m) => m.type === 'event' && m.event.type === 'DirectMessageSent')).toBe(false)
    expect((await serverState(room)).state.users.find((u) => u.id === b!.id)?.tracks.audioEnabled).toBe(false)
  })

  it('keeps chat in the room log and state', async () => {
    const room = randomRoom()
    const a = await connect(room, 'Ada')
    await a.next(isState)
    a.send({ type: 'chatMessage', message: 'before joining' })
    await a.next((m) => m.type === 'error' && m.code === 'not_joined')
    a.send({ type: 'userUpdate', user: { joined: true } })
    a.send({ type: 'chatMessage', message: '  hello, room  ' })
    const sent = await a.next(isEvent('ChatMessageSent'))
    expect(sent.event.data).toMatchObject({ userId: a.id, name: 'Ada', message: 'hello, room' })
    const late = await connect(room, 'Late')
    const welcome = await late.next(isState)
    // Chat is for the people in the meeting: the lobby sees it once it joins.
    expect(welcome.state.chat).toEqual([])
    late.send({ type: 'userUpdate', user: { joined: true } })
    const joined = await late.next(isState, late.messages.indexOf(welcome) + 1)
    expect(joined.state.chat.map((m) => m.message)).toEqual(['hello, room'])
  })
})
