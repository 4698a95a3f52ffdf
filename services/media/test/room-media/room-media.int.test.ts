import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { historyOf, join, newSession, publish, randomRoom } from '../support/calls-people.ts'

const DAY_MS = 86_400_000

/** Makes every session of the room look quiet since `msAgo`. */
const quietSince = (room: string, msAgo: number) =>
  runInDurableObject(env.ROOM_MEDIA.getByName(room), (_instance, state) => {
    state.storage.sql.exec('UPDATE sessions SET last_at = ?', Date.now() - msAgo)
  })

describe('RoomMedia retention', () => {
  it('deletes a session’s rows a day after its last call once its owner has left, keeping the others', async () => {
    const room = randomRoom()
    const ada = await join(room, 'Ada')
    const adas = await newSession(ada)
    const mic = await publish(ada, adas)
    const bob = await join(room, 'Bob')
    const bobs = await newSession(bob)
    const media = env.ROOM_MEDIA.getByName(room)

    // The first session set the alarm for a day after its last call.
    const alarm = await runInDurableObject(media, (_i, state) => state.storage.getAlarm())
    expect(alarm).toBeGreaterThan(Date.now() + DAY_MS - 60_000)

    const left = new Promise<void>((resolve) =>
      bob.ws.addEventListener('message', (e) => {
        if (String(e.data).includes('"UserDisconnected"')) resolve()
      }),
    )
    ada.ws.send(JSON.stringify({ type: 'userLeft' }))
    await left

    // Not yet a day: nothing goes.
    await quietSince(room, DAY_MS - 60_000)
    expect(await runDurableObjectAlarm(media)).toBe(true)
    expect(await media.ownerOf(adas)).toBe(ada.id)

    await quietSince(room, DAY_MS + 1000)
    expect(await runDurableObjectAlarm(media)).toBe(true)
    expect(await media.ownerOf(adas)).toBeUndefined()
    expect(await media.history(adas)).toEqual([])
    expect(await media.unpublished([{ sessionId: adas, trackName: mic }])).toEqual([`${adas}/${mic}`])
    expect((await historyOf(adas, ada)).status).toBe(403)
    // Bob is still in the room: his quiet session is not over, and waits another day.
    expect(await media.ownerOf(bobs)).toBe(bob.id)
    expect(await media.history(bobs)).not.toEqual([])
    const next = await runInDurableObject(media, (_i, state) => state.storage.getAlarm())
    expect(next).toBeGreaterThan(Date.now() + DAY_MS - 60_000)
  })
  it('keeps sessions, tracks and the expiry across an eviction, and gives rooms from before retention an expiry', async () => {
    const room = randomRoom()
    const ada = await join(room, 'Ada')
    const adas = await newSession(ada)
    const mic = await publish(ada, adas)
    const media = env.ROOM_MEDIA.getByName(room)
    // A room as the version before retention left it: no last_at, no alarm.
    await runInDurableObject(media, async (_i, state) => {
      state.storage.sql.exec('CREATE TABLE old AS SELECT session_id, user_id, created_at FROM sessions')
      state.storage.sql.exec('DROP TABLE sessions')
      state.storage.sql.exec('ALTER TABLE old RENAME TO sessions')
      await state.storage.deleteAlarm()
    })
    await evictDurableObject(media, { webSockets: 'hibernate' })

    expect(await media.ownerOf(adas)).toBe(ada.id)
    expect(await media.unpublished([{ sessionId: adas, trackName: mic }])).toEqual([])
    const alarm = await runInDurableObject(media, (_i, state) => state.storage.getAlarm())
    expect(alarm).toBeGreaterThan(Date.now() + DAY_MS - 60_000)
  })
})

/** The tables exactly as RoomMedia made them with raw SQL before its drizzle migrations. */
const RAW_TABLES = `
  CREATE TABLE IF NOT EXISTS sessions (session_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at TEXT NOT NULL, last_at INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, entry TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS history_by_session ON history (session_id, id);
  CREATE TABLE IF NOT EXISTS tracks (session_id TEXT NOT NULL, track_name TEXT NOT NULL, PRIMARY KEY (session_id, track_name));
`

describe('RoomMedia storage', () => {
  it('takes a room whose tables were made with raw SQL, before the migrations, keeping its rows', async () => {
    const room = randomRoom()
    const ada = await join(room, 'Ada')
    const adas = await newSession(ada)
    const mic = await publish(ada, adas)
    const media = env.ROOM_MEDIA.getByName(room)
    // The room as the raw-SQL version left it: its rows in tables of that shape, no migrations applied.
    const before = await runInDurableObject(media, (instance, state) => {
      const sql = state.storage.sql
      for (const table of ['sessions', 'history', 'tracks']) sql.exec(`ALTER TABLE ${table} RENAME TO old_${table}`)
      sql.exec('DROP INDEX IF EXISTS history_by_session')
      sql.exec(RAW_TABLES)
      for (const table of ['sessions', 'history', 'tracks']) {
        sql.exec(`INSERT INTO ${table} SELECT * FROM old_${table}`)
        sql.exec(`DROP TABLE old_${table}`)
      }
      sql.exec('DROP TABLE IF EXISTS __drizzle_migrations')
      return instance.history(adas)
    })
    await evictDurableObject(media, { webSockets: 'hibernate' })

    expect(await media.ownerOf(adas)).toBe(ada.id)
    expect(await media.unpublished([{ sessionId: adas, trackName: mic }])).toEqual([])
    expect(before.map((e) => e.endpoint)).toContain(`/sessions/${adas}/tracks/new`)
    expect(await media.history(adas)).toEqual(before)
    // The first migration ran over the existing tables and is recorded, so it never runs again.
    const applied = await runInDurableObject(media, (_i, state) =>
      state.storage.sql.exec('SELECT COUNT(*) AS n FROM __drizzle_migrations').one(),
    )
    expect(applied.n).toBe(1)
    // And the room goes on: a new session is claimed and recorded beside the old one.
    const again = await newSession(ada)
    expect(await media.ownersOf([adas, again])).toEqual({ [adas]: ada.id, [again]: ada.id })
  })
})
