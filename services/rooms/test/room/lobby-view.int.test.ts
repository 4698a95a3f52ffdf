import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { connect, isEvent, isState, randomRoom, type TestSocket } from '../helpers/socket.ts'
import { mirror, serverState } from '../helpers/mirror.ts'
import { GroupMember, toBase64 } from '@tangerine/e2ee'

/** What a lobby must never be sent: Calls session ids, track names, the AI's, and chat. */
const SECRETS = [
  'sess-host',
  'sess-host/mic',
  'sess-host/cam',
  'sess-host/screen',
  'ai-sess',
  'ai-voice',
  'first words',
  'more words',
]

const leaked = (socket: TestSocket) => SECRETS.filter((s) => JSON.stringify(socket.messages).includes(s))

/**
 * A meeting whose host publishes a mic and camera, has chatted and, unless the meeting is end-to-end
 * encrypted (which refuses the AI), has the AI in.
 */
async function busyMeeting(room: string, { e2ee = false } = {}) {
  const host = await connect(room, 'Host')
  await host.next(isState)
  host.send({
    type: 'userUpdate',
    user: {
      joined: true,
      transceiverSessionId: 'sess-host',
      tracks: { audio: 'sess-host/mic', audioEnabled: true, video: 'sess-host/cam', videoEnabled: true },
    },
    e2ee,
  })
  await host.next(isEvent('UserUpdated', (d) => d.userId === host.id))
  host.send({ type: 'chatMessage', message: 'first words' })
  await host.next(isEvent('ChatMessageSent'))
  if (e2ee) return host
  const stub = env.ROOM.getByName(room)
  await stub.runAiCommand({ type: 'InviteAi', by: host.id })
  await stub.runAiCommand({ type: 'CompleteAi', sessionId: 'ai-sess', trackName: 'ai-voice' })
  return host
}

describe('a lobby socket', () => {
  it('sees who is there and whether their mic is on, but no session ids, track names or chat', async () => {
    const room = randomRoom()
    const host = await busyMeeting(room)
    const lobby = await connect(room, 'Looker')
    const welcome = await lobby.next(isState)
    expect(welcome.state.users.map((u) => [u.name, u.joined, u.tracks.audioEnabled])).toEqual([
      ['Host', true, true],
      ['Looker', false, false],
    ])
    expect(welcome.state.ai).toMatchObject({ status: 'joined' })

    // While it waits, the meeting goes on: new tracks, more chat, a raised hand.
    const from = lobby.messages.length
    host.send({ type: 'userUpdate', user: { tracks: { screenshare: 'sess-host/screen', screenShareEnabled: true } } })
    host.send({ type: 'chatMessage', message: 'more words' })
    host.send({ type: 'raiseHand' })
    await lobby.next(isEvent('HandRaised'), from)
    const shared = await lobby.next(
      isEvent('UserUpdated', (d) => d.userId === host.id),
      from,
    )
    expect(shared.event.data).toEqual({ userId: host.id, patch: { tracks: { screenShareEnabled: true } } })
    expect(lobby.messages.slice(from).some((m) => m.type === 'withheld')).toBe(true)
    expect(leaked(lobby)).toEqual([])
    // What it holds is still a gapless fold of the log.
    expect(mirror(lobby.messages).seq).toBe((await env.ROOM.getByName(room).getState()).seq)
  })

  it('gets the whole state once it joins, and a lobby reconnect with `since` gets the lobby view again', async () => {
    const room = randomRoom()
    await busyMeeting(room)
    const lobby = await connect(room, 'Looker')
    const welcome = await lobby.next(isState)

    // Asking to resume from the very start would replay the whole log: a lobby gets its view instead.
    const other = await connect(room, 'Other')
    await other.next(isState)
    other.ws.close(1000, 'network drop')
    await other.closed
    const back = await connect(room, 'Other', { id: other.id, since: 0 })
    const resumed = await back.next((m) => m.type === 'roomState' || m.type === 'replay')
    expect(resumed.type).toBe('roomState')
    expect(leaked(back)).toEqual([])

    lobby.send({ type: 'userUpdate', user: { joined: true } })
    const full = await lobby.next(isState, lobby.messages.indexOf(welcome) + 1)
    expect(full.state.users[0]).toMatchObject({ transceiverSessionId: 'sess-host', tracks: { audio: 'sess-host/mic' } })
    expect(full.state.ai).toMatchObject({ sessionId: 'ai-sess', trackName: 'ai-voice' })
    expect(full.state.chat.map((m) => m.message)).toEqual(['first words'])
    expect(mirror(lobby.messages)).toEqual(await serverState(room))
  })
})

describe('end-to-end encryption messages', () => {
  it('go between people in the meeting only: the lobby neither gets nor sends them', async () => {
    const room = randomRoom()
    const host = await busyMeeting(room, { e2ee: true })
    const guest = await connect(room, 'Guest')
    await guest.next(isState)
    guest.send({ type: 'userUpdate', user: { joined: true } })
    await guest.next((m) => m.type === 'roomState' && m.state.users.some((u) => u.id === guest.id && u.joined))
    const lobby = await connect(room, 'Looker')
    await lobby.next(isState)

    const isKey = (payload: string) => (m: { type: string; payload?: string }) =>
      m.type === 'mlsKeyPackage' && m.payload === payload
    const keyPackage = async (id: string) => toBase64((await GroupMember.create(id)).keyPackage)
    const hostKey = await keyPackage(host.id)
    host.send({ type: 'mlsKeyPackage', payload: hostKey })
    await guest.next(isKey(hostKey) as never)
    // Frames to one socket keep their order: once the lobby has this later event, the key message would be in too.
    host.send({ type: 'raiseHand' })
    await lobby.next(isEvent('HandRaised'))
    expect(lobby.messages.some((m) => m.type === 'mlsKeyPackage')).toBe(false)

    const from = guest.messages.length
    lobby.send({ type: 'mlsKeyPackage', payload: await keyPackage(lobby.id) })
    expect(await lobby.next((m) => m.type === 'error')).toMatchObject({ code: 'not_joined' })
    host.send({ type: 'lowerHand' })
    await guest.next(isEvent('HandLowered'), from)
    expect(guest.messages.slice(from).some((m) => m.type === 'mlsKeyPackage')).toBe(false)
  })
})
