import { env } from 'cloudflare:workers'
import { MAX_MLS_MESSAGE_CHARS } from '@tangerine/contracts'
import { runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { connect, isEvent, isState, randomRoom, type TestSocket } from '../helpers/socket.ts'
import { joinedInTurn } from '../helpers/meeting.ts'
import { FrameDecryptError, FrameDecryptor, FrameEncryptor } from '@tangerine/e2ee'
import { describeGroup, inStep, MlsPerson } from '../helpers/mls-person.ts'
import { mirror, serverState } from '../helpers/mirror.ts'

let watched: MlsPerson[] = []
/** Waits for `check`; a failure says where everyone watched stands. */
const until = (check: () => boolean, timeout = 20_000) =>
  vi.waitFor(() => expect(check(), describeGroup(watched)).toBe(true), { timeout, interval: 20 })

async function roomState(room: string) {
  return (await env.ROOM.getByName(room).getState()).state
}

/** People joined in turn, each running the browser's MLS client, all in one epoch. */
async function groupOf(room: string, names: string[]) {
  const people = (await joinedInTurn(room, names)).map((s) => new MlsPerson(s))
  watched = people
  await until(() => inStep(people))
  return people
}

/** A decryptor holding every media key the person was given (the last two epochs, as a page keeps them). */
function decryptorOf(p: MlsPerson) {
  const decryptor = new FrameDecryptor()
  for (const key of p.keys) decryptor.setEpoch(key)
  return decryptor
}
const opus = () => Uint8Array.from([0x78, ...crypto.getRandomValues(new Uint8Array(80))])

/** The last epoch a person was given a media key for. */
const lastKeyEpoch = (p: MlsPerson) => p.keys.at(-1)?.epoch

describe('the MLS group, with real clients over the room socket', () => {
  it('puts everyone who joins in one group: one epoch, one safety number, keys for each epoch', async () => {
    const room = randomRoom()
    const people = await groupOf(room, ['A', 'B', 'C'])
    const state = await roomState(room)
    // The first in started it and holds it first: they commit its changes.
    expect(state.mlsMembers?.[0]).toBe(people[0]!.id)
    expect([...(state.mlsMembers ?? [])].sort()).toEqual(people.map((p) => p.id).sort())
    expect(people[0]!.status.epoch).toBe(state.mlsEpoch)
    expect(people[0]!.status.safetyNumber).toMatch(/^(\d{5} ){5}\d{5}$/)
    for (const p of people) expect(lastKeyEpoch(p)).toBe(BigInt(state.mlsEpoch!))
    // Each epoch's media secret is the same for everyone in it.
    const secrets = people.map((p) => Buffer.from(p.keys.at(-1)!.secret).toString('hex'))
    expect(new Set(secrets).size).toBe(1)
  })

  it('rekeys without whoever leaves, is removed or times out: they hold no key of the new epoch', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const room = randomRoom()
      const [a, b, c, d, e] = await groupOf(room, ['A', 'B', 'C', 'D', 'E'])
      const stay = [a!, d!, e!]
      let number = a!.status.safetyNumber

      b!.socket.send({ type: 'userLeft' })
      await until(() => inStep([a!, c!, d!, e!]) && a!.status.safetyNumber !== number)
      expect(lastKeyEpoch(b!)! < BigInt(a!.status.epoch!)).toBe(true)
      number = a!.status.safetyNumber
      // What A says now: D decrypts it; B, with every key it was ever given, cannot.
      const said = opus()
      const frame = await (await FrameEncryptor.create(a!.keys.at(-1)!, 0)).encrypt('opus', said)
      expect(await decryptorOf(d!).decrypt('opus', frame)).toEqual(said)
      await expect(decryptorOf(b!).decrypt('opus', frame)).rejects.toBeInstanceOf(FrameDecryptError)

      // The host's kick.
      a!.socket.send({ type: 'removeUser', id: c!.id })
      await until(() => inStep(stay) && a!.status.safetyNumber !== number)
      expect(lastKeyEpoch(c!)! < BigInt(a!.status.epoch!)).toBe(true)
      number = a!.status.safetyNumber

      // E's network goes quiet: the room's sweep counts it out (the room reads this isolate's Date).
      e!.session.close()
      // From the held clock's now: vi.waitFor moves it on as it polls.
      vi.setSystemTime(Date.now() + 2.5 * Number(env.HEARTBEAT_INTERVAL_MS) + 1)
      for (const p of [a!, d!]) {
        const from = p.socket.messages.length
        p.socket.send({ type: 'partyserver-ping' })
        await p.socket.next((m) => m.type === 'partyserver-pong', from)
      }
      expect(await runDurableObjectAlarm(env.ROOM.getByName(room))).toBe(true)
      await until(() => inStep([a!, d!]) && a!.status.safetyNumber !== number)
      expect(lastKeyEpoch(e!)! < BigInt(a!.status.epoch!)).toBe(true)
      expect((await roomState(room)).mlsMembers).toEqual([a!.id, d!.id])
    } finally {
      vi.useRealTimers()
    }
  })

  it('lets a late joiner in from the next epoch on, with a new safety number for everyone', async () => {
    const room = randomRoom()
    const people = await groupOf(room, ['A', 'B'])
    const before = people[0]!.status
    const late = new MlsPerson((await joinedInTurn(room, ['Late']))[0]!)
    watched = [...people, late]
    await until(() => inStep([...people, late]))
    expect(late.status.epoch).toBe(before.epoch! + 1)
    expect(late.status.safetyNumber).not.toBe(before.safetyNumber)
    // The late joiner was never given an earlier epoch's key.
    expect(late.keys.map((k) => k.epoch)).toEqual([BigInt(before.epoch! + 1)])
  })

  it('brings two people who join in the same instant into one epoch', async () => {
    const room = randomRoom()
    const [host] = await groupOf(room, ['Host'])
    const sockets = await Promise.all(['X', 'Y'].map((n) => connect(room, n)))
    await Promise.all(sockets.map((s) => s.next(isState)))
    const both = sockets.map((s) => new MlsPerson(s))
    for (const s of sockets) s.send({ type: 'userUpdate', user: { joined: true } })
    await until(() => inStep([host!, ...both]))
  })

  it('converges when two holders commit the same change at once: one is taken, the other told to retry', async () => {
    const room = randomRoom()
    const sockets = await joinedInTurn(room, ['A', 'B'])
    // B does not wait for A: both commit the joiner's add in the same epoch.
    const [a, b] = sockets.map((s) => new MlsPerson(s, { commitFallbackMs: 0 }))
    await until(() => inStep([a!, b!]))
    const epoch = a!.status.epoch!
    const joiner = new MlsPerson((await joinedInTurn(room, ['C']))[0]!)
    await until(() => inStep([a!, b!, joiner]))
    const refused = [a!, b!].flatMap((p) => p.socket.messages.filter((m) => m.type === 'error'))
    const commits = [a!, b!].reduce((n, p) => n + p.sent.filter((t) => t === 'mlsCommit').length, 0)
    // Every commit sent after the first was refused as stale; the group moved on by one.
    expect(refused.every((m) => m.type === 'error' && m.code === 'stale_epoch')).toBe(true)
    expect(refused.length).toBeGreaterThan(0)
    expect(refused.length).toBeLessThan(commits)
    expect(joiner.status.epoch).toBe(epoch + 1)
  })

  it('starts a new group when nobody holding it is left: the creator gone before adding anyone', async () => {
    const room = randomRoom()
    // Nobody's client runs yet: A is named creator but never starts, then leaves.
    const [a, b] = await joinedInTurn(room, ['A', 'B'])
    const first = await roomState(room)
    expect(first.mlsMembers).toEqual([a!.id])
    a!.send({ type: 'userLeft' })
    await b!.next(isEvent('MlsGroupStarted', (d) => d.creator === b!.id))
    const second = await roomState(room)
    expect(second.mlsGroup).not.toBe(first.mlsGroup)
    const [late] = await joinedInTurn(room, ['Late'])
    const people = [new MlsPerson(b!), new MlsPerson(late!)]
    await until(() => inStep(people))
  })

  it('re-adds someone whose page reloaded while the room still had them: old leaf out, new one in', async () => {
    const room = randomRoom()
    const [a, b, c] = await groupOf(room, ['A', 'B', 'C'])
    const number = a!.status.safetyNumber
    // The reload: a new socket and a new client under the same id, before the room saw the old one go.
    b!.close()
    const reloaded = await connect(room, 'B', { id: b!.id })
    await reloaded.next(isState)
    const fresh = new MlsPerson(reloaded)
    reloaded.send({ type: 'userUpdate', user: { joined: true } })
    await until(() => inStep([a!, fresh, c!]) && a!.status.safetyNumber !== number)
    expect(fresh.sent).toContain('mlsKeyPackage')
    expect(a!.status.members.filter((id) => id === b!.id)).toHaveLength(1)
  })

  it('starts over with every holder lost at once, and everyone meets in the new group', async () => {
    const room = randomRoom()
    const people = await groupOf(room, ['A', 'B'])
    const group = (await roomState(room)).mlsGroup
    const back: MlsPerson[] = []
    for (const p of people) {
      p.close()
      const socket = await connect(room, p.socket.id === people[0]!.id ? 'A' : 'B', { id: p.id })
      await socket.next(isState)
      back.push(new MlsPerson(socket))
    }
    await until(() => inStep(back))
    expect((await roomState(room)).mlsGroup).not.toBe(group)
  })

  it('replays the Commits a member missed when it reconnects with `since`, and the member keeps up', async () => {
    const room = randomRoom()
    const [a, b] = await groupOf(room, ['A', 'B'])
    const { seq } = mirror(b!.socket.messages)
    // B's socket drops (the room keeps B in the meeting); two people join meanwhile.
    const stopped = b!.socket
    b!.session.close()
    stopped.close()
    const joiners = (await joinedInTurn(room, ['C', 'D'])).map((s) => new MlsPerson(s))
    watched = [a!, ...joiners]
    await until(() => inStep([a!, ...joiners], [a!.id, b!.id, ...joiners.map((j) => j.id)]))

    const back = await connect(room, 'B', { id: b!.id, since: seq })
    const replay = await back.next((m) => m.type === 'replay')
    const replayed = replay.type === 'replay' ? replay.events.filter((e) => e.type === 'MlsCommitted') : []
    expect(replayed.length).toBeGreaterThan(0)
    // What the page held before, with the replay folded in, is the room as it is now.
    expect(mirror([...stopped.messages, ...back.messages])).toEqual(await serverState(room))
  })
})

describe('what the room refuses', () => {
  /** Each refusal is said to the sender, and the room's log and everyone's epoch stay as they were. */
  async function refuses(sender: TestSocket, message: unknown, code: string, people: MlsPerson[], room: string) {
    const before = await serverState(room)
    const from = sender.messages.length
    sender.send(typeof message === 'string' ? message : JSON.stringify(message))
    const refusal = await sender.next((m) => m.type === 'error', from)
    expect(refusal).toMatchObject({ code })
    expect(await serverState(room)).toEqual(before)
    expect(inStep(people)).toBe(true)
    return refusal
  }

  it('refuses forged, foreign, replayed and misplaced handshake messages, and changes no epoch', async () => {
    const room = randomRoom()
    const people = await groupOf(room, ['A', 'B', 'C'])
    const [a, b] = people
    const epoch = a!.status.epoch!
    const commits = b!.socket.messages.flatMap((m) =>
      m.type === 'event' && m.event.type === 'MlsCommitted' ? [m.event.data] : [],
    )
    const old = commits[0]!
    const keyPackage = a!.socket.messages.find((m) => m.type === 'mlsKeyPackage')
    if (keyPackage?.type !== 'mlsKeyPackage') throw new Error('A saw no KeyPackage')
    const other = randomRoom()
    const [stranger] = await groupOf(other, ['S', 'T'])
    const foreign = stranger!.socket.messages.flatMap((m) =>
      m.type === 'event' && m.event.type === 'MlsCommitted' ? [m.event.data.commit] : [],
    )[0]!

    // Bytes that are no MLS message at all.
    const forged = await refuses(
      a!.socket,
      { type: 'mlsCommit', epoch, commit: btoa('a forged commit') },
      'bad_mls',
      people,
      room,
    )
    expect(forged.error).toMatch(/not an MLS handshake message/)
    // A KeyPackage passed off as a Commit.
    await refuses(a!.socket, { type: 'mlsCommit', epoch, commit: keyPackage.payload }, 'bad_mls', people, room)
    // Another meeting's real Commit.
    const away = await refuses(a!.socket, { type: 'mlsCommit', epoch, commit: foreign }, 'bad_mls', people, room)
    expect(away.error).toMatch(/another MLS group/)
    // A real Commit of this group sent again: as made, and relabelled with the current epoch.
    await refuses(
      b!.socket,
      { type: 'mlsCommit', epoch: old.epoch - 1, commit: old.commit },
      'stale_epoch',
      people,
      room,
    )
    const relabelled = await refuses(
      b!.socket,
      { type: 'mlsCommit', epoch, commit: old.commit },
      'stale_epoch',
      people,
      room,
    )
    expect(relabelled.error).toMatch(new RegExp(`made at epoch ${old.epoch - 1}, not ${epoch}`))
    // A Welcome that is not one, and a KeyPackage that is not one.
    await refuses(
      a!.socket,
      { type: 'mlsCommit', epoch, commit: old.commit, welcome: { to: [b!.id], payload: keyPackage.payload } },
      'stale_epoch',
      people,
      room,
    )
    await refuses(a!.socket, { type: 'mlsKeyPackage', payload: old.commit }, 'bad_mls', people, room)
    // Not base64, or longer than any MLS message we carry: refused before the room reads it.
    await refuses(a!.socket, { type: 'mlsCommit', epoch, commit: 'not base64!' }, 'invalid_message', people, room)
    const huge = 'A'.repeat(MAX_MLS_MESSAGE_CHARS + 4)
    await refuses(a!.socket, { type: 'mlsCommit', epoch, commit: huge }, 'invalid_message', people, room)
    // The group still works: someone new gets in.
    const late = new MlsPerson((await joinedInTurn(room, ['Late']))[0]!)
    await until(() => inStep([...people, late]))
  })

  it('takes Commits only from someone holding the group, and nothing MLS from the lobby', async () => {
    const room = randomRoom()
    const people = await groupOf(room, ['A', 'B'])
    const [a] = people
    // Joined, but no client: it holds nothing, and cannot commit.
    const [bystander] = await joinedInTurn(room, ['Bystander'])
    const commit = a!.socket.messages.flatMap((m) =>
      m.type === 'event' && m.event.type === 'MlsCommitted' ? [m.event.data.commit] : [],
    )[0]!
    const epoch = a!.status.epoch!
    const refusal = await refuses(bystander!, { type: 'mlsCommit', epoch, commit }, 'bad_mls', people, room)
    expect(refusal.error).toMatch(/do not hold/)

    const lobby = await connect(room, 'Looker')
    const seen = await lobby.next(isState)
    expect(seen.state.e2ee).toBe(true)
    for (const key of ['mlsEpoch', 'mlsGroup', 'mlsMembers']) expect(seen.state).not.toHaveProperty(key)
    await refuses(lobby, { type: 'mlsCommit', epoch, commit }, 'not_joined', people, room)
    await refuses(lobby, { type: 'mlsKeyPackage', payload: commit }, 'not_joined', people, room)
    // The bystander's client starts: it gets in, and the lobby saw none of it.
    const joined = new MlsPerson(bystander!)
    await until(() => inStep([...people, joined]))
    a!.socket.send({ type: 'raiseHand' })
    await lobby.next(isEvent('HandRaised'))
    const mlsFrames = lobby.frames.filter((f) => /Mls|mlsKeyPackage/.test(f))
    expect(mlsFrames).toEqual([])
  })

  it('asks nothing of an unencrypted meeting, and refuses MLS there', async () => {
    const room = randomRoom()
    const [a, b] = await joinedInTurn(room, ['A', 'B'], false)
    const state = await roomState(room)
    expect(state.e2ee).toBe(false)
    for (const key of ['mlsEpoch', 'mlsGroup', 'mlsMembers']) expect(state).not.toHaveProperty(key)
    const person = new MlsPerson(a!)
    b!.send({ type: 'userLeft' })
    await a!.next(isEvent('UserDisconnected', (d) => d.userId === b!.id))
    expect(person.sent).toEqual([])
    expect(person.status.state).toBe('off')
    const from = a!.messages.length
    a!.send({ type: 'mlsKeyPackage', payload: btoa('anything at all') })
    expect(await a!.next((m) => m.type === 'error', from)).toMatchObject({ code: 'e2ee_off' })
  })
})
