import { MAX_CLIENT_MESSAGE_BYTES } from '@tangerine/contracts'
import { describe, expect, it } from 'vitest'
import { outsider, randomRoom, roomSocket } from './outsider.ts'

async function openSocket() {
  const socket = await roomSocket(randomRoom(), await outsider('Frame Sender'))
  await socket.next((m) => m.type === 'roomState')
  return socket
}

const chatOf = (char: string, count: number) => JSON.stringify({ type: 'chatMessage', message: char.repeat(count) })

describe('oversized frames through the gateway', () => {
  it.each([
    // 16,000 UTF-16 units, 48,000 bytes: a limit counted in characters let it through.
    ['16,000 "€"', chatOf('€', 16_000)],
    ['17 KiB of ASCII', chatOf('x', 17 * 1024)],
  ])('%s: message_too_large, then a 1009 close', async (_label, frame) => {
    const socket = await openSocket()
    socket.send(frame)
    const error = await socket.next((m) => m.type === 'error')
    expect(error).toMatchObject({ type: 'error', code: 'message_too_large' })
    expect((await socket.closed).code).toBe(1009)
  })

  it('a 15 KiB frame still works', async () => {
    const socket = await openSocket()
    const ping = JSON.stringify({ type: 'partyserver-ping' })
    socket.send(ping.padEnd(15 * 1024, ' '))
    await socket.next((m) => m.type === 'partyserver-pong')
    expect(socket.messages.filter((m) => m.type === 'error')).toEqual([])
    expect(15 * 1024).toBeLessThan(MAX_CLIENT_MESSAGE_BYTES)
    socket.close()
  })

  // Over the runtime's own 32 MiB cap, workerd closes the socket itself (1009, "Message is too
  // large") before any Worker sees the frame: a guard that it stays so, not the room's check.
  it('a 33 MB frame gets a 1009 close, not silence', { timeout: 60_000 }, async () => {
    const socket = await openSocket()
    socket.send('x'.repeat(33 * 1024 * 1024))
    const closed = await socket.closed
    expect(closed.code).toBe(1009)
  })
})
