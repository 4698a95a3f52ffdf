import type { QuarantineEntry, RoomState } from '@tangerine/contracts'
import { env, exports } from 'cloudflare:workers'
import { evictDurableObject, runInDurableObject } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { initialState } from '@tangerine/room-model'
import { SNAPSHOT_VERSION } from '../../src/room/snapshot.ts'
import { connect, isEvent, isState, randomRoom } from '../helpers/socket.ts'

const meta = (actor: string) => JSON.stringify({ at: '2026-01-01T00:00:00.000Z', actor, schemaVersion: 1 })

/** Rows written straight into the room's SQLite, as a bad deploy or a hand edit could leave them. */
async function writeRows(room: string, rows: Array<{ seq: number; type: string; data: string; metadata?: string }>) {
  await runInDurableObject(env.ROOM.getByName(room), (_instance, state) => {
    for (const row of rows) {
      state.storage.sql.exec(
        'INSERT INTO events (seq, type, data, metadata, actor, at) VALUES (?, ?, ?, ?, ?, ?)',
        row.seq,
        row.type,
        row.data,
        row.metadata ?? meta('user:intruder'),
        'user:intruder',
        '2026-01-01T00:00:00.000Z',
      )
    }
  })
}

async function writeSnapshot(room: string, seq: number, state: string, version = SNAPSHOT_VERSION) {
  await runInDurableObject(env.ROOM.getByName(room), (_instance, s) => {
    s.storage.sql.exec('INSERT INTO snapshots (seq, state, version) VALUES (?, ?, ?)', seq, state, version)
  })
}

/** A room with Ada in it and one chat message; its seq. */
async function roomWithAda(room: string) {
  const ada = await connect(room, 'Ada')
  await ada.next(isState)
  ada.send({ type: 'userUpdate', user: { joined: true } })
  ada.send({ type: 'chatMessage', message: 'before' })
  await ada.next(isEvent('ChatMessageSent'))
  ada.close()
  return { ada, seq: (await env.ROOM.getByName(room).getState()).seq }
}

const chatRow = (seq: number, userId: string, message: string) => ({
  seq,
  type: 'ChatMessageSent',
  data: JSON.stringify({ messageId: `m${seq}`, userId, name: 'Ada', message }),
  metadata: meta(`user:${userId}`),
})

afterEach(() => vi.restoreAllMocks())

/** A valid state at seq 1 that says something the log does not: proof of where loading started. */
const markedState = (userId: string): RoomState => ({
  ...initialState(),
  users: [
    {
      id: userId,
      name: 'Ada',
      verified: false,
      raisedHand: false,
      speaking: false,
      joined: false,
      tracks: { audioEnabled: false, audioUnavailable: false, videoEnabled: false, screenShareEnabled: false },
    },
  ],
  chat: [{ id: 'x', seq: 1, userId, name: 'Ada', message: 'from the snapshot', at: '2026-01-01T00:00:00.000Z' }],
})

describe('a bad row in the log does not brick the room', () => {
  it('quarantines rows that are not events, reports the gap, and serves state and sockets from the good ones', async () => {
    const room = randomRoom()
    const { ada, seq } = await roomWithAda(room)
    await writeRows(room, [
      { seq: seq + 1, type: 'ChatMessageSent', data: '{"messageId": "m1", "userId": ' },
      { seq: seq + 2, type: 'TablesDropped', data: '{}' },
      { seq: seq + 3, type: 'UserMuted', data: JSON.stringify({ userId: 42 }) },
      // seq + 4 and seq + 5 were never there.
      chatRow(seq + 6, ada.id, 'after'),
    ])
    const logged = vi.spyOn(console, 'error')
    await evictDurableObject(env.ROOM.getByName(room))

    const { state, seq: now, health } = await env.ROOM.getByName(room).getState()
    expect(now).toBe(seq + 6)
    expect(state.chat.map((c) => c.message)).toEqual(['before', 'after'])
    expect(health).toMatchObject({ quarantined: 3, gaps: 1 })
    const bySeq = new Map(health.latest.map((e) => [`${e.kind}:${e.seq}`, e]))
    expect(bySeq.get(`invalid_event:${seq + 1}`)).toMatchObject({ error: expect.stringMatching(/^not JSON/) })
    expect(bySeq.get(`invalid_event:${seq + 2}`)).toMatchObject({ error: expect.stringContaining('not a valid event') })
    expect(bySeq.get(`invalid_event:${seq + 3}`)).toMatchObject({ error: expect.stringContaining('data.userId') })
    expect(bySeq.get(`seq_gap:${seq + 4}`)).toMatchObject({
      error: expect.stringContaining(`events ${seq + 4}–${seq + 5} missing`),
      content: null,
    })
    // The original row, as it was stored.
    expect(JSON.parse(bySeq.get(`invalid_event:${seq + 2}`)!.content!)).toMatchObject({
      seq: seq + 2,
      type: 'TablesDropped',
      data: '{}',
    })

    // One structured line for each.
    const lines = logged.mock.calls.map((c) => JSON.parse(String(c[0])) as { msg: string; seq: number; room: string })
    expect(lines.filter((l) => l.msg === 'room event quarantined').map((l) => l.seq)).toEqual([
      seq + 1,
      seq + 2,
      seq + 3,
    ])
    expect(lines.filter((l) => l.msg === 'room log gap').map((l) => l.seq)).toEqual([seq + 4])
    expect(lines.every((l) => l.room === room)).toBe(true)

    // The rows left the log; the ops view's read route lists them.
    const log = await env.ROOM.getByName(room).getEvents(undefined, 100)
    expect(log.events.map((e) => e.seq)).not.toContain(seq + 2)
    const res = await exports.default.fetch(`http://rooms.internal/rooms/${room}/quarantine?limit=10`)
    expect(res.status).toBe(200)
    const listed = (await res.json()) as { entries: QuarantineEntry[] }
    expect(listed.entries.map((e) => e.kind).sort()).toEqual([
      'invalid_event',
      'invalid_event',
      'invalid_event',
      'seq_gap',
    ])
    const ops = (await (await exports.default.fetch(`http://rooms.internal/rooms/${room}`)).json()) as {
      health: { quarantined: number }
    }
    expect(ops.health.quarantined).toBe(3)

    // Sockets work: a newcomer gets the state, and new events take fresh seqs.
    const bob = await connect(room, 'Bob')
    await bob.next(isState)
    // A lobby's view has no chat: joining sends the meeting's whole state, chat and all.
    bob.send({ type: 'userUpdate', user: { joined: true } })
    const joined = await bob.next((m) => isState(m) && m.state.users.some((u) => u.id === bob.id && u.joined))
    if (!isState(joined)) throw new Error('not a state')
    expect(joined.state.chat.map((c) => c.message)).toEqual(['before', 'after'])
    expect(joined.seq).toBeGreaterThan(seq + 6)
    bob.send({ type: 'raiseHand' })
    const raised = await bob.next(isEvent('HandRaised'))
    expect(raised.event.seq).toBe(joined.seq + 1)

    // A reconnect from before the bad rows gets the whole state, not a replay with holes in it.
    const back = await connect(room, 'Ada', { id: ada.id, since: seq })
    expect((await back.next((m) => m.type === 'roomState' || m.type === 'replay')).type).toBe('roomState')

    // Loading again finds nothing new: the gap is reported once, the quarantine is not refilled.
    logged.mockClear()
    await evictDurableObject(env.ROOM.getByName(room))
    expect((await env.ROOM.getByName(room).getState()).health).toMatchObject({ quarantined: 3, gaps: 1 })
    expect(
      logged.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('room log gap') || l.includes('quarantined')),
    ).toEqual([])
  })

  it('skips a snapshot that is not a valid RoomState and starts from the one before it', async () => {
    const room = randomRoom()
    const { ada, seq } = await roomWithAda(room)
    // A valid snapshot at seq 1 that says something the log does not: proof of where loading started.
    const marked = markedState(ada.id)
    await writeSnapshot(room, 1, JSON.stringify(marked))
    await writeSnapshot(room, seq, JSON.stringify({ users: 'not a list' }))
    await writeSnapshot(room, seq + 1, '{not json')
    const logged = vi.spyOn(console, 'error')
    await evictDurableObject(env.ROOM.getByName(room))

    const { state, seq: now } = await env.ROOM.getByName(room).getState()
    expect(now).toBe(seq)
    expect(state.chat.map((c) => c.message)).toEqual(['from the snapshot', 'before'])
    const skipped = logged.mock.calls
      .map((c) => JSON.parse(String(c[0])) as { msg: string; seq: number })
      .filter((l) => l.msg === 'room snapshot skipped')
    expect(skipped.map((l) => l.seq)).toEqual([seq + 1, seq])
  })

  it('passes over snapshots of an older version and folds the whole log', async () => {
    const room = randomRoom()
    const { ada, seq } = await roomWithAda(room)
    // As the room wrote them before the AI's status union (version 1): one in the old shape, and
    // one that would parse today but is not trusted under an older version.
    const { ai: _ai, ...rest } = markedState(ada.id)
    await writeSnapshot(room, seq, JSON.stringify({ ...rest, ai: { enabled: false, connectionPending: false } }), 1)
    await writeSnapshot(room, 1, JSON.stringify(markedState(ada.id)), 1)
    const logged = vi.spyOn(console, 'error')
    await evictDurableObject(env.ROOM.getByName(room))

    const { state, seq: now } = await env.ROOM.getByName(room).getState()
    expect(now).toBe(seq)
    expect(state.chat.map((c) => c.message)).toEqual(['before'])
    expect(state.ai).toEqual({ status: 'absent' })
    expect(logged.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('room snapshot skipped'))).toEqual([])
  })

  it('reads an old log, whose events carry the names they had when written', async () => {
    const room = randomRoom()
    const { seq } = await roomWithAda(room)
    // Before "connected" and "joined the meeting" were two words: UserJoined and UserLeft.
    await writeRows(room, [
      { seq: seq + 1, type: 'UserJoined', data: JSON.stringify({ userId: 'bob-old-log', name: 'Bob' }) },
      { seq: seq + 2, type: 'UserJoined', data: JSON.stringify({ userId: 'cy-old-log', name: 'Cy' }) },
      { seq: seq + 3, type: 'UserLeft', data: JSON.stringify({ userId: 'cy-old-log', reason: 'left' }) },
    ])
    await evictDurableObject(env.ROOM.getByName(room))

    const { state, seq: now, health } = await env.ROOM.getByName(room).getState()
    expect(now).toBe(seq + 3)
    expect(health).toMatchObject({ quarantined: 0, gaps: 0 })
    expect(state.users.find((u) => u.id === 'bob-old-log')).toMatchObject({ name: 'Bob', joined: false })
    expect(state.users.some((u) => u.id === 'cy-old-log')).toBe(false)
    // Served under the names they have now.
    const { events } = await env.ROOM.getByName(room).getEvents(undefined, 3)
    expect(events.map((e) => e.type)).toEqual(['UserDisconnected', 'UserConnected', 'UserConnected'])
  })
})
