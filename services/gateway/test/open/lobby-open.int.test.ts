import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'

describe('with DISABLE_LOBBY_ENFORCEMENT', () => {
  it('lets someone without an identity into a room as a guest', async () => {
    const res = await exports.default.fetch(
      new Request('http://localhost/api/rooms/open-room/ws?_pk=abcdefgh1234', { headers: { Upgrade: 'websocket' } }),
    )
    expect(res.status).toBe(101)
    const ws = res.webSocket!
    ws.accept()
    const first = JSON.parse(
      await new Promise<string>((resolve) =>
        ws.addEventListener('message', (e) => resolve(e.data as string), { once: true }),
      ),
    )
    expect(first.type).toBe('roomState')
    expect(first.state.users).toEqual([expect.objectContaining({ id: 'abcdefgh1234', name: 'Guest' })])
    ws.close()
  })
})
