import { env } from 'cloudflare:workers'
import { runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { connect, isEvent, isState, randomRoom, type TestSocket } from '../helpers/socket.ts'
import { joinedInTurn } from '../helpers/meeting.ts'

const isNotice = (userId: string) => isEvent('MlsRemovalNeeded', (d) => d.userId === userId)
const notices = (socket: TestSocket) =>
  socket.messages.flatMap((m) => (m.type === 'event' && m.event.type === 'MlsRemovalNeeded' ? [m.event.data] : []))

describe('removal from the MLS group', () => {
  it('names the longest joined member to commit the removal of whoever leaves or is removed', async () => {
    const room = randomRoom()
    const [a, b, c, d] = await joinedInTurn(room, ['A', 'B', 'C', 'D'])
    const lobby = await connect(room, 'Looker')
    await lobby.next(isState)

    b!.send({ type: 'userLeft' })
    expect((await d!.next(isNotice(b!.id))).event.data).toEqual({ userId: b!.id, committer: a!.id, epoch: 0 })
    // The host's kick: A (host, first in) still commits it.
    a!.send({ type: 'removeUser', id: c!.id })
    expect((await d!.next(isNotice(c!.id))).event.data).toEqual({ userId: c!.id, committer: a!.id, epoch: 0 })
    // Back to the lobby is out of the group too; the next in line commits once A is gone.
    a!.send({ type: 'userUpdate', user: { joined: false } })
    expect((await d!.next(isNotice(a!.id))).event.data).toEqual({ userId: a!.id, committer: d!.id, epoch: 0 })
    expect(notices(d!).map((n) => n.userId)).toEqual([b!.id, c!.id, a!.id])

    // The lobby knows people left, never that a Commit is due.
    d!.send({ type: 'raiseHand' })
    await lobby.next(isEvent('HandRaised'))
    expect(lobby.frames.some((f) => f.includes('MlsRemovalNeeded'))).toBe(false)
    // The last one out ends the meeting: nobody is left to rekey.
    const seq = (await env.ROOM.getByName(room).getState()).seq
    d!.send({ type: 'userLeft' })
    await d!.closed
    const { events } = await env.ROOM.getByName(room).getEvents(undefined, 100)
    expect(events.filter((e) => e.seq > seq).map((e) => e.type)).not.toContain('MlsRemovalNeeded')
  })

  it('asks for a removal Commit at the epoch the group is in when a member times out', async () => {
    // As in room-socket.int.test.ts: the room reads Date.now() in this isolate, so the test holds it.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const interval = Number(env.HEARTBEAT_INTERVAL_MS)
      const start = Date.now()
      const room = randomRoom()
      const [alive, silent] = (await joinedInTurn(room, ['Alive', 'Silent'])) as [TestSocket, TestSocket]
      alive.send({ type: 'mlsCommit', epoch: 0, commit: btoa('adds-silent') })
      await silent.next(isEvent('MlsCommitted', (d) => d.epoch === 1))

      vi.setSystemTime(start + 2.5 * interval + 1)
      alive.send({ type: 'partyserver-ping' })
      await alive.next((m) => m.type === 'partyserver-pong')
      expect(await runDurableObjectAlarm(env.ROOM.getByName(room))).toBe(true)
      const notice = await alive.next(isNotice(silent.id))
      expect(notice.event.data).toEqual({ userId: silent.id, committer: alive.id, epoch: 1 })
      expect(notice.event.metadata.actor).toBe('system')
    } finally {
      vi.useRealTimers()
    }
  })

  it('asks nothing of an unencrypted meeting', async () => {
    const room = randomRoom()
    const [a, b] = await joinedInTurn(room, ['A', 'B'], false)
    b!.send({ type: 'userLeft' })
    await a!.next(isEvent('UserDisconnected', (d) => d.userId === b!.id))
    a!.send({ type: 'raiseHand' })
    await a!.next(isEvent('HandRaised'))
    expect(notices(a!)).toEqual([])
  })
})
