import type { LoggedEvent } from '@tangerine/contracts'
import { env } from 'cloudflare:workers'
import { evictDurableObject, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { evolve, initialState } from '@tangerine/room-model'
import { SNAPSHOT_EVERY } from '../../src/room/snapshot.ts'
import { connect, isEvent, isState, randomRoom } from '../helpers/socket.ts'
import { mirror } from '../helpers/mirror.ts'

async function wholeLog(room: string): Promise<LoggedEvent[]> {
  const events: LoggedEvent[] = []
  let before: number | undefined
  for (;;) {
    const page = await env.ROOM.getByName(room).getEvents(before, 500)
    events.push(...page.events)
    const last = page.events.at(-1)
    if (!last || last.seq === 1) return events.reverse()
    before = last.seq
  }
}

const foldLog = (log: LoggedEvent[]) => log.reduce(evolve, initialState())

describe('a room survives eviction', () => {
  it('revives with the fold of its log, keeps hibernated sockets, and resumes a reconnect from its seq', async () => {
    const room = randomRoom()
    const ada = await connect(room, 'Ada')
    const bob = await connect(room, 'Bob')
    await Promise.all([ada.next(isState), bob.next(isState)])
    ada.send({ type: 'userUpdate', user: { joined: true } })
    bob.send({ type: 'userUpdate', user: { joined: true } })
    // Both joins applied before the chat: the order of two sockets' messages is not guaranteed.
    await Promise.all([ada, bob].map((s) => s.next(isEvent('UserUpdated', (d) => d.userId === s.id))))
    ada.send({ type: 'chatMessage', message: 'one' })
    await bob.next(isEvent('ChatMessageSent'))
    const before = await env.ROOM.getByName(room).getState()

    await evictDurableObject(env.ROOM.getByName(room), { webSockets: 'hibernate' })

    const revived = await env.ROOM.getByName(room).getState()
    expect(revived).toEqual(before)
    expect(revived.state).toEqual(foldLog(await wholeLog(room)))

    // Bob drops off; while he is away, the room moves on through Ada's hibernated socket.
    const bobSeq = mirror(bob.messages).seq
    bob.ws.close(1000, 'network drop')
    ada.send({ type: 'chatMessage', message: 'two' })
    ada.send({ type: 'raiseHand' })
    await ada.next(isEvent('HandRaised'))

    const back = await connect(room, 'Bob', { id: bob.id, since: bobSeq })
    const replay = await back.next((m): m is Extract<typeof m, { type: 'replay' }> => m.type === 'replay')
    const seqs = replay.events.map((e) => e.seq)
    expect(seqs[0]).toBe(bobSeq + 1)
    expect(seqs).toEqual(seqs.map((_, i) => bobSeq + 1 + i)) // no gap, no duplicate
    const now = await env.ROOM.getByName(room).getState()
    expect(seqs.at(-1)).toBe(now.seq)
    expect(replay.events.map((e) => e.type)).toEqual(['ChatMessageSent', 'HandRaised'])
    // Bob never left the room: he was still present when he came back.
    expect(now.state.users.map((u) => u.name)).toEqual(['Ada', 'Bob'])
  })

  it('gives the same state with its snapshots thrown away', async () => {
    const room = randomRoom()
    const sockets = await Promise.all(Array.from({ length: 5 }, (_, i) => connect(room, `P${i}`)))
    for (const s of sockets) {
      await s.next(isState)
      s.send({ type: 'userUpdate', user: { joined: true } })
    }
    const perSocket = Math.ceil((SNAPSHOT_EVERY + 20) / sockets.length)
    for (let i = 0; i < perSocket; i++) for (const s of sockets) s.send({ type: 'chatMessage', message: `m${i}` })
    const last = sockets.at(-1)!
    await sockets[0]!.next(
      isEvent('ChatMessageSent', (d) => d.userId === last.id && d.message === `m${perSocket - 1}`),
      0,
      10_000,
    )

    const stub = env.ROOM.getByName(room)
    const withSnapshots = await stub.getState()
    expect(withSnapshots.seq).toBeGreaterThan(SNAPSHOT_EVERY)
    const snapshots = await runInDurableObject(
      stub,
      (_i, state) => state.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM snapshots').one().n,
    )
    expect(snapshots).toBeGreaterThan(0)

    await runInDurableObject(stub, (_i, state) => state.storage.sql.exec('DELETE FROM snapshots'))
    await evictDurableObject(stub, { webSockets: 'hibernate' })
    expect(await env.ROOM.getByName(room).getState()).toEqual(withSnapshots)
    expect(withSnapshots.state).toEqual(foldLog(await wholeLog(room)))
  })
})
