import { MAX_CLIENT_MESSAGE_BYTES } from '@tangerine/contracts'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { connect, isError, isState, randomRoom } from '../helpers/socket.ts'

async function opened() {
  const room = randomRoom()
  const socket = await connect(room, 'Sender')
  await socket.next(isState)
  return { room, socket }
}

/** A chat message of `count` times `char`. */
const chatOf = (char: string, count: number) => JSON.stringify({ type: 'chatMessage', message: char.repeat(count) })

describe('frame size is counted in UTF-8 bytes, and an oversized frame closes the socket with 1009', () => {
  it.each([
    // 16,000 units of UTF-16, but 48,000 bytes on the wire: main compared `raw.length`.
    ['16,000 "€" (48 KB, under 16 Ki characters)', chatOf('€', 16_000)],
    ['17 KiB of ASCII', chatOf('x', 17 * 1024)],
    // Exactly the limit in characters, one byte over it in UTF-8.
    ['one byte over the limit', chatOf('é', 1).padEnd(MAX_CLIENT_MESSAGE_BYTES, ' ')],
    ['a binary frame over the limit', new Uint8Array(MAX_CLIENT_MESSAGE_BYTES + 1).buffer as ArrayBuffer],
  ])('%s', async (_label, payload) => {
    if (typeof payload === 'string')
      expect(new TextEncoder().encode(payload).byteLength).toBeGreaterThan(MAX_CLIENT_MESSAGE_BYTES)
    const { room, socket } = await opened()
    const before = await env.ROOM.getByName(room).getState()
    socket.send(payload)
    const error = await socket.next(isError)
    expect(error.code).toBe('message_too_large')
    expect(error.error).toContain(`${MAX_CLIENT_MESSAGE_BYTES} bytes`)
    const closed = await socket.closed
    expect(closed.code).toBe(1009)
    expect((await env.ROOM.getByName(room).getState()).seq).toBe(before.seq)
  })

  it('still takes a frame of exactly the limit, multi-byte characters counted as bytes', async () => {
    const { socket } = await opened()
    const ping = JSON.stringify({ type: 'partyserver-ping' })
    // "€" is three bytes: fill up to the limit with them, then spaces (JSON allows trailing whitespace).
    const euros = '€'.repeat(Math.floor((MAX_CLIENT_MESSAGE_BYTES - ping.length - 10) / 3))
    const body = JSON.stringify({ type: 'partyserver-ping', pad: euros })
    const frame = body.padEnd(body.length + MAX_CLIENT_MESSAGE_BYTES - new TextEncoder().encode(body).byteLength, ' ')
    expect(new TextEncoder().encode(frame).byteLength).toBe(MAX_CLIENT_MESSAGE_BYTES)
    socket.send(frame)
    await socket.next((m) => m.type === 'partyserver-pong')
    expect(socket.messages.filter(isError)).toEqual([])
  })

  it('closes the socket of a frame over the runtime’s own 32 MiB limit', { timeout: 30_000 }, async () => {
    const { socket } = await opened()
    socket.send('x'.repeat(33 * 1024 * 1024))
    const closed = await socket.closed
    expect(closed.code).toBe(1009)
  })
})
