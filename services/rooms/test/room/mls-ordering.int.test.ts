import { env } from 'cloudflare:workers'
import { MAX_MLS_MESSAGE_CHARS } from '@tangerine/contracts'
import { describe, expect, it } from 'vitest'
import { connect, isError, isEvent, isState, randomRoom } from '../helpers/socket.ts'
import { joinedInTurn, mls } from '../helpers/meeting.ts'
import { mirror, serverState } from '../helpers/mirror.ts'

/** The room's log, oldest first: what a reconnecting member could be replayed. */
async function log(room: string) {
  const { events } = await env.ROOM.getByName(room).getEvents(undefined, 1000)
  return events.reverse()
}
const commitsIn = async (room: string) => (await log(room)).filter((e) => e.type === 'MlsCommitted')

describe('the E2EE setting', () => {
  it('is on unless the opener turns it off, is logged, and the lobby sees it but not the epoch', async () => {
    const room = randomRoom()
    const [host] = await joinedInTurn(room, ['Host'])
    const started = (await log(room)).find((e) => e.type === 'MeetingStarted')
    expect(started?.data).toMatchObject({ e2ee: true })
    expect((await serverState(room)).state).toMatchObject({ e2ee: true, mlsEpoch: 0 })
    const lobby = await connect(room, 'Looker')
    const seen = await lobby.next(isState)
    expect(seen.state.e2ee).toBe(true)
    expect(seen.state).not.toHaveProperty('mlsEpoch')
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

describe('MLS handshake ordering', () => {
  it('takes exactly one of two Commits for one epoch; the other is told to retry and changes nothing', async () => {
    const room = randomRoom()
    const [a, b, c] = await joinedInTurn(room, ['A', 'B', 'C'])
    // Both made at epoch 0 and sent at once: the room decides, not the network.
    a!.send({
      type: 'mlsCommit',
      epoch: 0,
      commit: mls('commit-by-a'),
      welcome: { to: [c!.id], payload: mls('welcome-by-a') },
    })
    b!.send({
      type: 'mlsCommit',
      epoch: 0,
      commit: mls('commit-by-b'),
      welcome: { to: [c!.id], payload: mls('welcome-by-b') },
    })
    const { event: taken } = await c!.next(isEvent('MlsCommitted'))
    if (taken.type !== 'MlsCommitted') throw new Error('not a commit')
    const [winner, loser] = taken.data.by === a!.id ? [a!, b!] : [b!, a!]
    const refusal = await loser.next(isError)
    expect(refusal).toMatchObject({ code: 'stale_epoch' })
    expect(refusal.error).toMatch(/epoch 1.*commit again/)
    await winner.next(isEvent('MlsCommitted'))

    expect(taken.data).toMatchObject({ by: winner.id, epoch: 1, commit: mls(`commit-by-${winner === a ? 'a' : 'b'}`) })
    const commits = await commitsIn(room)
    expect(commits.map((e) => e.data)).toEqual([taken.data])
    expect((await serverState(room)).state.mlsEpoch).toBe(1)
    // Only the taken Commit's Welcome reaches the one it adds.
    const welcomes = c!.messages.filter((m) => m.type === 'event' && m.event.type === 'MlsWelcomed')
    expect(welcomes.map((m) => m.type === 'event' && m.event.data)).toEqual([
      expect.objectContaining({ by: winner.id, to: [c!.id], epoch: 1 }),
    ])
    expect(winner.messages.some(isError)).toBe(false)
  })

  it('refuses an accepted Commit sent again, and one claiming an epoch the group has not reached', async () => {
    const room = randomRoom()
    const [a, b] = await joinedInTurn(room, ['A', 'B'])
    const commit = { type: 'mlsCommit', epoch: 0, commit: mls('first') } as const
    a!.send(commit)
    await b!.next(isEvent('MlsCommitted', (d) => d.epoch === 1))
    const before = await serverState(room)
    for (const sender of [a!, b!]) {
      const from = sender.messages.length
      sender.send(commit)
      expect(await sender.next(isError, from)).toMatchObject({ code: 'stale_epoch' })
    }
    const from = b!.messages.length
    b!.send({ type: 'mlsCommit', epoch: 7, commit: mls('from the future') })
    expect((await b!.next(isError, from)).error).toMatch(/has not reached that epoch: it is at epoch 1/)
    expect(await serverState(room)).toEqual(before)
    expect(await commitsIn(room)).toHaveLength(1)
  })

  it('refuses MLS bytes that are not base64 or too long, and changes nothing', async () => {
    const room = randomRoom()
    const [a, b] = await joinedInTurn(room, ['A', 'B'])
    const before = await serverState(room)
    const sent = [
      { type: 'mlsCommit', epoch: 0, commit: 'not base64!' },
      { type: 'mlsCommit', epoch: 0, commit: 'A'.repeat(MAX_MLS_MESSAGE_CHARS + 4) },
      { type: 'mlsKeyPackage', payload: '' },
    ]
    for (const message of sent) {
      const from = a!.messages.length
      a!.send(JSON.stringify(message))
      expect(await a!.next(isError, from)).toMatchObject({ code: 'invalid_message' })
    }
    expect(await serverState(room)).toEqual(before)
    a!.send({ type: 'raiseHand' })
    await b!.next(isEvent('HandRaised'))
    expect(b!.messages.some((m) => m.type === 'mlsKeyPackage')).toBe(false)
  })

  it('gives lobby sockets no MLS traffic and takes none from them', async () => {
    const room = randomRoom()
    const [a, b, c] = await joinedInTurn(room, ['A', 'B', 'C'])
    const lobby = await connect(room, 'Looker')
    await lobby.next(isState)
    await a!.next(isEvent('UserConnected', (d) => d.userId === lobby.id))

    b!.send({ type: 'mlsKeyPackage', payload: mls('key-of-b') })
    await Promise.all([a!, c!].map((s) => s.next((m) => m.type === 'mlsKeyPackage' && m.from === b!.id)))
    a!.send({ type: 'mlsCommit', epoch: 0, commit: mls('adds-b'), welcome: { to: [b!.id], payload: mls('welcome-b') } })
    await b!.next(isEvent('MlsWelcomed', (d) => d.epoch === 1))
    // C is in the meeting but not named: it learns only the Welcome's log position.
    await c!.next(isEvent('MlsCommitted'))
    expect(c!.messages.some((m) => m.type === 'event' && m.event.type === 'MlsWelcomed')).toBe(false)
    // A Welcome for someone in the lobby is refused whole.
    const seq = (await serverState(room)).seq
    a!.send({ type: 'mlsCommit', epoch: 1, commit: mls('adds-lobby'), welcome: { to: [lobby.id], payload: mls('w') } })
    expect(await a!.next(isError)).toMatchObject({ code: 'not_joined' })
    expect((await serverState(room)).seq).toBe(seq)

    const fromLobby = lobby.messages.length
    lobby.send({ type: 'mlsKeyPackage', payload: mls('key-of-looker') })
    lobby.send({ type: 'mlsCommit', epoch: 1, commit: mls('from-the-lobby') })
    const first = await lobby.next(isError, fromLobby)
    const second = await lobby.next(isError, lobby.messages.indexOf(first) + 1)
    expect([first.code, second.code]).toEqual(['not_joined', 'not_joined'])
    a!.send({ type: 'raiseHand' })
    // Frames to one socket keep their order: once each has this later event, MLS ones would be in.
    await Promise.all([lobby, b!, c!].map((s) => s.next(isEvent('HandRaised'))))
    const toMembers = ['key-of-b', 'adds-b', 'welcome-b'].map(mls)
    expect(toMembers.filter((s) => lobby.frames.some((f) => f.includes(s)))).toEqual([])
    const fromLobbyOnly = ['key-of-looker', 'from-the-lobby'].map(mls)
    expect(fromLobbyOnly.filter((s) => [a!, b!, c!].some((p) => p.frames.some((f) => f.includes(s))))).toEqual([])
    expect((await serverState(room)).state.mlsEpoch).toBe(1)
  })

  it('replays the Commits a member missed when it reconnects with `since`', async () => {
    const room = randomRoom()
    const [a, b] = await joinedInTurn(room, ['A', 'B'])
    const { seq } = mirror(b!.messages)
    b!.close()
    await b!.closed
    a!.send({ type: 'mlsCommit', epoch: 0, commit: mls('one') })
    await a!.next(isEvent('MlsCommitted', (d) => d.epoch === 1))
    a!.send({ type: 'mlsCommit', epoch: 1, commit: mls('two') })
    await a!.next(isEvent('MlsCommitted', (d) => d.epoch === 2))

    const back = await connect(room, 'B', { id: b!.id, since: seq })
    const replay = await back.next((m) => m.type === 'replay')
    const commits = replay.type === 'replay' ? replay.events.filter((e) => e.type === 'MlsCommitted') : []
    expect(commits.map((e) => e.data)).toEqual([
      { by: a!.id, epoch: 1, commit: mls('one') },
      { by: a!.id, epoch: 2, commit: mls('two') },
    ])
    // What the page held before, with the replay folded in, is the room as it is now.
    expect(mirror([...b!.messages, ...back.messages])).toEqual(await serverState(room))
    back.send({ type: 'mlsCommit', epoch: 2, commit: mls('three') })
    await a!.next(isEvent('MlsCommitted', (d) => d.epoch === 3 && d.by === back.id))
  })
})
