import { RoomCloseCode } from '@tangerine/contracts'
import { describe, expect, it } from 'vitest'
import {
  isErrorCode,
  isEvent,
  isState,
  outsider,
  randomRoom,
  roomSocket,
  type Outsider,
  type RawSocket,
} from './outsider.ts'

/*
 * The room socket as an outsider uses it: raw WebSockets through the gateway, each person a
 * fresh identity (POST /api/session), sending whatever the protocol allows.
 */

/** In the meeting, publishing what the page would publish (made-up ids: the room takes them on trust). */
async function joined(room: string, who: Outsider, publish = false) {
  const socket = await roomSocket(room, who)
  await socket.next(isState)
  const tracks = publish
    ? { audio: `sess-${who.key}/mic`, audioEnabled: true, video: `sess-${who.key}/cam`, videoEnabled: true }
    : {}
  socket.send({
    type: 'userUpdate',
    user: { joined: true, ...(publish ? { transceiverSessionId: `sess-${who.key}` } : {}), tracks },
  })
  await socket.next(isEvent('UserUpdated', (d) => d.userId === socket.id))
  return socket
}

/**
 * Nothing came of what `by` sent: `watcher` sends a raise of hands after `by` was refused, and
 * sees it with no event of `types` before it (one socket's events arrive in log order).
 */
async function nothingHappened(watcher: RawSocket, types: string[]) {
  const from = watcher.messages.length
  watcher.send({ type: 'raiseHand' })
  await watcher.next(isEvent('HandRaised'), from)
  const seen = watcher.messages.slice(from).flatMap((m) => (m.type === 'event' ? [m.event.type] : []))
  expect(seen.filter((t) => types.includes(t))).toEqual([])
  watcher.send({ type: 'lowerHand' })
}

describe('room sockets, as an outsider', () => {
  it('a socket that never joined cannot mute anyone, however often it tries', async () => {
    const room = randomRoom()
    const host = await joined(room, await outsider('Host'), true)
    const lurker = await roomSocket(room, await outsider('Lurker'))
    await lurker.next(isState)
    for (let i = 0; i < 5; i++) lurker.send({ type: 'muteUser', id: host.id })
    await lurker.next(() => lurker.messages.filter(isErrorCode('not_joined')).length === 5)
    await nothingHappened(host, ['UserMuted'])
  })

  it('someone in the meeting who is not its host cannot mute, remove, hand over, lock, end or spotlight', async () => {
    const room = randomRoom()
    const host = await joined(room, await outsider('Host'), true)
    const guest = await joined(room, await outsider('Guest'))
    for (const message of [
      { type: 'muteUser', id: host.id },
      { type: 'removeUser', id: host.id },
      { type: 'makeHost', id: guest.id },
      { type: 'lockRoom', locked: true },
      { type: 'endMeeting' },
      { type: 'spotlight', id: guest.id },
      { type: 'endSpotlight' },
    ] as const) {
      const from = guest.messages.length
      guest.send(message)
      await guest.next(isErrorCode('forbidden'), from)
    }
    await nothingHappened(host, [
      'UserMuted',
      'UserRemoved',
      'HostAssigned',
      'RoomLocked',
      'MeetingEndedForAll',
      'UserSpotlighted',
      'SpotlightEnded',
    ])
  })

  it('a socket that never joined cannot spotlight anyone, nor be spotlighted', async () => {
    const room = randomRoom()
    const host = await joined(room, await outsider('Host'), true)
    const lurker = await roomSocket(room, await outsider('Lurker'))
    await lurker.next(isState)
    lurker.send({ type: 'spotlight', id: host.id })
    await lurker.next(isErrorCode('not_joined'))
    const from = host.messages.length
    host.send({ type: 'spotlight', id: lurker.id })
    await host.next(isErrorCode('not_joined'), from)
    await nothingHappened(host, ['UserSpotlighted'])
  })

  it('the lobby sees who is there, never their Calls session ids, track names or chat', async () => {
    const room = randomRoom()
    const who = await outsider('Host')
    const host = await joined(room, who, true)
    host.send({ type: 'chatMessage', message: 'secret plans' })
    await host.next(isEvent('ChatMessageSent'))
    const lurker = await roomSocket(room, await outsider('Lurker'))
    const welcome = await lurker.next(isState)
    host.send({
      type: 'userUpdate',
      user: { tracks: { screenshare: `sess-${who.key}/screen`, screenShareEnabled: true } },
    })
    host.send({ type: 'chatMessage', message: 'more secret plans' })
    await lurker.next(isEvent('UserUpdated', (d) => d.userId === host.id))
    await lurker.next((m) => m.type === 'withheld')
    expect(welcome.type === 'roomState' && welcome.state.users.map((u) => u.id)).toContain(host.id)
    const everything = lurker.frames.join('\n')
    for (const secret of [`sess-${who.key}`, 'secret plans']) expect(everything).not.toContain(secret)
  })

  it('one identity gets 5 room users, not 61', async () => {
    const room = randomRoom()
    const many = await outsider('Many')
    const sockets: RawSocket[] = []
    for (let i = 0; i < 61; i++) {
      const s = await roomSocket(room, many)
      sockets.push(s)
      await s.next((m) => m.type === 'roomState' || m.type === 'error')
    }
    const welcomed = sockets.filter((s) => s.messages[0]?.type === 'roomState')
    expect(welcomed).toHaveLength(5)
    const refused = sockets.slice(5)
    // Each is told why (and closed with RoomCloseCode.tooManyConnections, which the rooms int tests check:
    // through the local proxy chain a close takes some 25 s to reach a Node client).
    expect(refused.every((s) => s.messages[0]?.type === 'error' && s.messages[0].code === 'too_many_connections')).toBe(
      true,
    )
    // The room holds the five and nobody else.
    const last = welcomed.at(-1)!.messages[0]
    expect(last?.type === 'roomState' && last.state.users).toHaveLength(5)
    for (const s of sockets) s.close()
  })

  it('a locked room takes no newcomer; a removed person cannot come back', async () => {
    const room = randomRoom()
    const host = await joined(room, await outsider('Host'))
    const guestWho = await outsider('Guest')
    const guest = await joined(room, guestWho)
    host.send({ type: 'lockRoom', locked: true })
    await host.next(isEvent('RoomLocked'))

    const newcomer = await roomSocket(room, await outsider('Newcomer'))
    const welcome = await newcomer.next(isState)
    expect(welcome.type === 'roomState' && welcome.state.locked).toBe(true)
    newcomer.send({ type: 'userUpdate', user: { joined: true } })
    await newcomer.next(isErrorCode('room_locked'))
    await nothingHappened(host, ['UserUpdated'])

    host.send({ type: 'removeUser', id: guest.id })
    await guest.next(isEvent('UserRemoved', (d) => d.userId === guest.id))
    expect((await guest.closed).code).toBe(RoomCloseCode.removed)
    // Another tab of theirs, or a reload: refused while this meeting lasts.
    const back = await roomSocket(room, guestWho)
    await back.next(isErrorCode('removed'))
  })
})
