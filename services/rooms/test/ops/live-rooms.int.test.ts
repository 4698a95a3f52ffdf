import { LiveRooms, RoomsOverview } from '@tangerine/contracts/ops/api'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { REGISTRY_NAME } from '../../src/registry/room-registry.ts'
import { joinedInTurn } from '../helpers/meeting.ts'
import { connect, isState, randomRoom } from '../helpers/socket.ts'
import { ops, until } from './support.ts'

const listed = async (room: string) =>
  LiveRooms.parse(await (await ops('/rooms')).json()).rooms.find((r) => r.name === room)

describe('the live registry, fed by the rooms themselves', () => {
  it('shows a meeting as it fills, peaks and empties, and drops the room when the last one goes', async () => {
    const room = randomRoom()
    const [ada, bob] = await joinedInTurn(room, ['Ada', 'Bob'], false)
    const lurker = await connect(room, 'Lurker')
    await lurker.next(isState)
    const full = await until(
      () => listed(room),
      (r) => r?.people === 2 && r.lobby === 1,
    )
    expect(full).toMatchObject({ people: 2, lobby: 1, peak: 2, e2ee: false, ai: false })
    expect(full!.meetingId).toEqual(expect.any(String))
    expect(Date.parse(full!.startedAt!)).toBeLessThanOrEqual(Date.now())

    bob!.send({ type: 'userLeft' })
    lurker.send({ type: 'userLeft' })
    expect(
      await until(
        () => listed(room),
        (r) => r?.people === 1 && r.lobby === 0,
      ),
    ).toMatchObject({
      people: 1,
      peak: 2,
    })

    ada!.send({ type: 'userLeft' })
    expect(
      await until(
        () => listed(room),
        (r) => r === undefined,
      ),
    ).toBeUndefined()
  })

  it('says whether the meeting is end-to-end encrypted, and counts rooms and people for the overview', async () => {
    const room = randomRoom()
    const [ada] = await joinedInTurn(room, ['Ada'], true)
    expect(
      await until(
        () => listed(room),
        (r) => r?.e2ee === true,
      ),
    ).toMatchObject({ e2ee: true, people: 1 })
    const overview = RoomsOverview.parse(await (await ops('/overview')).json())
    const live = await env.REGISTRY.getByName(REGISTRY_NAME).list()
    expect(overview.roomsLive).toBe(live.length)
    expect(overview.peopleInMeetings).toBe(live.reduce((n, r) => n + r.people, 0))
    expect(overview.meetingsToday).toBeGreaterThanOrEqual(1)
    ada!.send({ type: 'userLeft' })
    expect(
      await until(
        () => listed(room),
        (r) => r === undefined,
      ),
    ).toBeUndefined()
  })

  it('keeps the newest report of a room when reports arrive out of order, a late one after it emptied too', async () => {
    const registry = env.REGISTRY.getByName(REGISTRY_NAME)
    const name = randomRoom()
    const line = { people: 3, lobby: 0, peak: 3, meetingId: 'm', startedAt: null, e2ee: true, ai: false }
    await registry.report(name, 7, line)
    await registry.report(name, 5, { ...line, people: 1 })
    expect((await registry.list()).find((r) => r.name === name)).toMatchObject({ people: 3 })
    await registry.report(name, 9, undefined)
    await registry.report(name, 8, line)
    expect((await registry.list()).find((r) => r.name === name)).toBeUndefined()
  })
})
