import { RATE_LIMIT_BURST } from '@tangerine/contracts'
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { connect, isError, isState, randomRoom, type TestSocket } from '../helpers/socket.ts'

async function pair() {
  const room = randomRoom()
  const sender = await connect(room, 'Sender')
  const other = await connect(room, 'Other')
  await Promise.all([sender.next(isState), other.next(isState)])
  await sender.next((m) => m.type === 'event' && m.event.type === 'UserConnected')
  return { room, sender, other }
}

/** A message the room always answers, so "nothing else arrived before it" can be checked. */
async function settle(socket: TestSocket) {
  const from = socket.messages.length
  socket.send({ type: 'partyserver-ping' })
  await socket.next((m) => m.type === 'partyserver-pong', from)
}

// An oversized frame also closes the socket (1009): test/room/frame-size.int.test.ts.
describe('bad input: the sender is told, the room and everyone else are untouched', () => {
  it.each([
    ['malformed JSON', '{"type": "chatMessage",', 'invalid_json'],
    ['an unknown type', JSON.stringify({ type: 'dropTables' }), 'invalid_message'],
    ['no type', JSON.stringify({ message: 'hi' }), 'invalid_message'],
    ['a wrong field type', JSON.stringify({ type: 'muteUser', id: 42 }), 'invalid_message'],
    ['an unknown user field', JSON.stringify({ type: 'userUpdate', user: { admin: true } }), 'invalid_message'],
    ['a blank chat message', JSON.stringify({ type: 'chatMessage', message: '   ' }), 'invalid_message'],
    ['a JSON array', '[1,2,3]', 'invalid_message'],
    ['a binary frame', new TextEncoder().encode('{"type":"heartbeat"}').buffer as ArrayBuffer, 'invalid_message'],
    ['muting a user who is not here', JSON.stringify({ type: 'muteUser', id: 'nobody-here' }), 'unknown_user'],
    [
      'driving the AI over the socket (the ai Worker does)',
      JSON.stringify({ type: 'requestAiControl', track: { sessionId: 's', trackName: 't' } }),
      'invalid_message',
    ],
    ['inviting the AI over the socket', JSON.stringify({ type: 'enableAi' }), 'invalid_message'],
  ])('%s', async (_label, payload, code) => {
    const { room, sender, other } = await pair()
    const before = await env.ROOM.getByName(room).getState()
    const seenByOther = other.messages.length
    const from = sender.messages.length
    sender.send(payload)
    const error = await sender.next(isError, from)
    expect(error.code).toBe(code)
    expect(error.error.length).toBeGreaterThan(0)
    expect(await env.ROOM.getByName(room).getState()).toEqual(before)
    await settle(other)
    expect(other.messages.slice(seenByOther).map((m) => m.type)).toEqual(['partyserver-pong'])
    // The socket stays usable after a bad message.
    await settle(sender)
  })

  // The socket once had these (refused, or logged and dropped); now they are unknown types like any other.
  it.each(['enableAi', 'disableAi', 'requestAiControl', 'relinquishAiControl', 'callsApiHistoryEntry'])(
    '%s is refused as an unknown type',
    async (type) => {
      const { sender } = await pair()
      const from = sender.messages.length
      sender.send(JSON.stringify({ type }))
      const error = await sender.next(isError, from)
      expect(error.code).toBe('invalid_message')
      expect(error.error).toMatch(/^type: Invalid discriminator value/)
    },
  )

  it('rate-limits a flood from one socket without touching the room', async () => {
    // The room reads Date in this isolate, and the test holds it still: the bucket cannot refill
    // while the room works through the flood, however slowly a loaded machine lets it.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const { room, sender, other } = await pair()
      const before = await env.ROOM.getByName(room).getState()
      const from = sender.messages.length
      const limited = () => sender.messages.slice(from).filter((m) => isError(m) && m.code === 'rate_limited')
      for (let i = 0; i < RATE_LIMIT_BURST * 2; i++) sender.send({ type: 'raiseHand' })
      // A full bucket lets the burst through and refuses every one after it.
      await sender.next(() => limited().length >= RATE_LIMIT_BURST, from)
      // A second on, the bucket has refilled: the ping is answered, and it comes after everything
      // the flood caused.
      vi.setSystemTime(Date.now() + 1000)
      await settle(sender)
      expect(limited()).toHaveLength(RATE_LIMIT_BURST)
      const after = await env.ROOM.getByName(room).getState()
      // Only the first raise changed anything; the rest were no-ops or refused.
      expect(after.seq).toBe(before.seq + 1)
      expect(after.state.users.find((u) => u.id === sender.id)?.raisedHand).toBe(true)
      await settle(other)
      expect(other.messages.filter((m) => m.type === 'event' && m.event.type === 'HandRaised')).toHaveLength(1)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('the rooms Worker refuses bad socket requests before they reach a room', () => {
  it.each([
    ['a bad room name', '/rooms/Bad_Name/ws?_pk=abcdefgh12', 400],
    ['a bad since', '/rooms/good-room/ws?since=-4&_pk=abcdefgh12', 400],
    ['a bad connection id', '/rooms/good-room/ws?_pk=%3Cscript%3E', 400],
  ])('%s', async (_label, path, status) => {
    const { exports } = await import('cloudflare:workers')
    const res = await exports.default.fetch(
      new Request(`http://rooms.internal${path}`, { headers: { Upgrade: 'websocket' } }),
    )
    expect(res.status).toBe(status)
    expect((await res.json<{ status: number }>()).status).toBe(status)
  })

  it('refuses a socket without an identity', async () => {
    const { exports } = await import('cloudflare:workers')
    const res = await exports.default.fetch(
      new Request('http://rooms.internal/rooms/good-room/ws?_pk=abcdefgh12', { headers: { Upgrade: 'websocket' } }),
    )
    expect(res.status).toBe(401)
  })
})
