import { describe, expect, it } from 'vitest'
import { outsider, randomRoom, roomSocket, stackUrl } from './outsider.ts'

const postName = (name: string) =>
  fetch(`${stackUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: stackUrl },
    body: JSON.stringify({ name }),
  })

const hidden = [
  ['a right-to-left override', 'Alice\u202Egnp.exe'],
  ['a zero-width space', 'Al\u200Bice'],
  ['a bidi isolate', '\u2066Alice\u2069'],
  ['a byte order mark', '\uFEFFAlice'],
]

describe('display-name impersonation', () => {
  it.each(hidden)('the lobby refuses a name with %s', async (_label, name) => {
    const res = await postName(name)
    expect(res.status).toBe(400)
    expect(res.headers.get('set-cookie')).toBeNull()
    const body = (await res.json()) as { status: number; errors?: unknown }
    expect(body.status).toBe(400)
    expect(JSON.stringify(body)).toContain('control and invisible characters')
  })

  it.each(hidden)('the room refuses a userUpdate to a name with %s, and nobody sees it', async (_label, name) => {
    const room = randomRoom()
    const mallory = await roomSocket(room, await outsider('Mallory'))
    const ada = await roomSocket(room, await outsider('Ada'))
    await Promise.all([mallory.next((m) => m.type === 'roomState'), ada.next((m) => m.type === 'roomState')])
    mallory.send({ type: 'userUpdate', user: { name } })
    expect(await mallory.next((m) => m.type === 'error')).toMatchObject({ code: 'invalid_message' })
    // A message the room always answers: anything the rename caused would have reached Ada first.
    const from = ada.messages.length
    ada.send({ type: 'partyserver-ping' })
    await ada.next((m) => m.type === 'partyserver-pong', from)
    expect(ada.messages.some((m) => m.type === 'event' && m.event.type === 'UserUpdated')).toBe(false)
    mallory.close()
    ada.close()
  })
})
