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
        if (String(e.data).includes('"UserLeft"')) resolve()
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
