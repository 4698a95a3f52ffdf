import { OpsEventsPage, OpsStateAt } from '@tangerine/contracts/ops/api'
import { env } from 'cloudflare:workers'
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { joinedInTurn } from '../helpers/meeting.ts'
import { isEvent, randomRoom } from '../helpers/socket.ts'
import { ops } from './support.ts'

const page = async (room: string, query = '') => {
  const res = await ops(`/rooms/${room}/events${query}`)
  expect(res.status).toBe(200)
  return OpsEventsPage.parse(await res.json())
}
const stateAt = async (room: string, seq: number) => {
  const res = await ops(`/rooms/${room}/state?seq=${seq}`)
  expect(res.status).toBe(200)
  return OpsStateAt.parse(await res.json())
}

/** A meeting of Ada and Bob, in that order, and each one's chat line; the sockets and the latest seq. */
async function meeting() {
  const room = randomRoom()
  const [ada, bob] = await joinedInTurn(room, ['Ada', 'Bob'], false)
  return { room, ada: ada!, bob: bob!, seq: (await env.ROOM.getByName(room).getState()).seq }
}

describe("a room's log, for operators", () => {
  it('filters by event type and by user, newest first', async () => {
    const { room, ada, bob } = await meeting()
    const joins = await page(room, '?type=UserUpdated')
    expect(joins.events.map((e) => e.type)).toEqual(['UserUpdated', 'UserUpdated'])
    expect(joins.events.map((e) => (e.type === 'UserUpdated' ? e.data.userId : ''))).toEqual([bob.id, ada.id])

    const adas = await page(room, `?user=${ada.id}`)
    expect(adas.events.length).toBeGreaterThan(0)
    for (const e of adas.events) {
      expect(e.metadata.actor === `user:${ada.id}` || (e.data as { userId?: string }).userId === ada.id).toBe(true)
    }
    expect(adas.events.some((e) => e.type === 'UserConnected')).toBe(true)

    // Ada, the host, asks Bob to unmute: done by Ada, about Bob, so it is in both people's pages.
    ada.send({ type: 'askToUnmute', id: bob.id })
    await bob.next(isEvent('UnmuteRequested'))
    const bobs = await page(room, `?user=${bob.id}&type=UnmuteRequested`)
    expect(bobs.events.map((e) => [e.type, e.metadata.actor])).toEqual([['UnmuteRequested', `user:${ada.id}`]])
    expect((await page(room, `?user=${ada.id}&type=UnmuteRequested`)).events).toHaveLength(1)
    const both = await page(room, '?type=UserConnected,HostAssigned')
    expect(new Set(both.events.map((e) => e.type))).toEqual(new Set(['UserConnected', 'HostAssigned']))
  })

  it('pages backwards with `next` until the start of the log, every event once', async () => {
    const { room, seq } = await meeting()
    const seen: number[] = []
    let before: number | undefined
    do {
      const p = await page(room, `?limit=2${before ? `&before=${before}` : ''}`)
      expect(p.seq).toBe(seq)
      seen.push(...p.events.map((e) => e.seq))
      before = p.next
    } while (before)
    expect(seen).toEqual(Array.from({ length: seq }, (_, i) => seq - i))
  })

  it('flags the quarantined rows that fall in a page', async () => {
    const { room, seq } = await meeting()
    await runInDurableObject(env.ROOM.getByName(room), (_instance, state) => {
      state.storage.sql.exec(
        "INSERT INTO quarantine (seq, kind, error, content, at) VALUES (?, 'invalid_event', 'not JSON', '{}', ?)",
        seq + 100,
        new Date().toISOString(),
      )
      state.storage.sql.exec(
        "INSERT INTO quarantine (seq, kind, error, content, at) VALUES (2, 'seq_gap', 'gone', NULL, ?)",
        new Date().toISOString(),
      )
    })
    const newest = await page(room, '?limit=2')
    expect(newest.quarantined).toEqual([])
    const all = await page(room, `?before=${seq + 200}&limit=500`)
    expect(all.quarantined.map((q) => [q.seq, q.kind])).toEqual([
      [seq + 100, 'invalid_event'],
      [2, 'seq_gap'],
    ])
  })

  it('answers a bad query with a 400 naming it', async () => {
    const room = randomRoom()
    for (const query of ['limit=0', 'limit=501', 'before=-1', 'type=NoSuchEvent', 'type=', 'user=', 'page=2']) {
      const res = await ops(`/rooms/${room}/events?${query}`)
      expect(res.status, query).toBe(400)
      expect(await res.json()).toMatchObject({ status: 400, type: 'https://tangerine.dev/problems/validation' })
    }
    expect((await ops('/rooms/Not_A_Room/events')).status).toBe(400)
  })
})

describe("a room's state at any seq (the scrubber)", () => {
  it('folds the log with the room model up to the seq asked for', async () => {
    const { room, ada, bob, seq } = await meeting()
    const adaJoined = (await page(room, `?type=UserUpdated&user=${ada.id}`)).events[0]!.seq
    const then = await stateAt(room, adaJoined)
    expect(then.seq).toBe(adaJoined)
    expect(then.state.users.filter((u) => u.joined).map((u) => u.id)).toEqual([ada.id])

    const now = await stateAt(room, seq)
    expect(now.state.users.filter((u) => u.joined).map((u) => u.id)).toEqual([ada.id, bob.id])
    // The fold is the room's own: the same state it holds.
    expect(now.state).toEqual((await env.ROOM.getByName(room).getState()).state)
    expect((await stateAt(room, seq + 50)).seq).toBe(seq)
    expect((await stateAt(room, 0)).state.users).toEqual([])
  })

  it('leaves out what is not in the log, and says which seqs', async () => {
    const { room, seq } = await meeting()
    await runInDurableObject(env.ROOM.getByName(room), (_instance, state) => {
      state.storage.sql.exec('DELETE FROM events WHERE seq = 2')
      state.storage.sql.exec("UPDATE events SET data = 'not json' WHERE seq = 3")
    })
    const at = await stateAt(room, seq)
    expect(at.skipped).toEqual([2, 3])
  })

  it('answers 404 for a room with no log, and 400 for a bad seq', async () => {
    expect((await ops(`/rooms/${randomRoom()}/state?seq=1`)).status).toBe(404)
    for (const query of ['', '?seq=-1', '?seq=x', '?seq=1&at=2']) {
      expect((await ops(`/rooms/${randomRoom()}/state${query}`)).status, query).toBe(400)
    }
  })
})
