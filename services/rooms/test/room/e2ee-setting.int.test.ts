import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { connect, isError, isState, randomRoom } from '../helpers/socket.ts'
import { joinedInTurn, mls } from '../helpers/meeting.ts'
import { serverState } from '../helpers/mirror.ts'

/** The room's log, oldest first: what a reconnecting member could be replayed. */
async function log(room: string) {
  const { events } = await env.ROOM.getByName(room).getEvents(undefined, 1000)
  return events.reverse()
}

describe('the E2EE setting', () => {
  it('is on unless the opener turns it off, is logged, and the lobby sees it but not the epoch', async () => {
    const room = randomRoom()
    const [host] = await joinedInTurn(room, ['Host'])
    const started = (await log(room)).find((e) => e.type === 'MeetingStarted')
    expect(started?.data).toMatchObject({ e2ee: true })
    expect((await serverState(room)).state).toMatchObject({ e2ee: true, mlsEpoch: 0, mlsMembers: [host!.id] })
    const lobby = await connect(room, 'Looker')
    const seen = await lobby.next(isState)
    expect(seen.state.e2ee).toBe(true)
    for (const key of ['mlsEpoch', 'mlsGroup', 'mlsMembers']) expect(seen.state).not.toHaveProperty(key)
    host!.close()

    const plain = randomRoom()
    const [opener] = await joinedInTurn(plain, ['Opener'], false)
    // A later joiner's wish does not change the meeting the opener chose.
    const late = await connect(plain, 'Late')
    await late.next(isState)
    late.send({ type: 'userUpdate', user: { joined: true }, e2ee: true })
    const joined = await late.next(
      (m) => m.type === 'roomState' && m.state.users.some((u) => u.id === late.id && u.joined),
    )
    expect(joined.type === 'roomState' && joined.state.e2ee).toBe(false)
    const lookerOfPlain = await connect(plain, 'Looker')
    expect((await lookerOfPlain.next(isState)).state.e2ee).toBe(false)
    const before = await serverState(plain)
    opener!.send({ type: 'mlsCommit', epoch: 0, commit: mls('commit') })
    expect(await opener!.next(isError)).toMatchObject({ code: 'e2ee_off' })
    expect(await serverState(plain)).toEqual(before)
  })
})
