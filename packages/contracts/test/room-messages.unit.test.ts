import { describe, expect, it } from 'vitest'
import { ClientMessage, MAX_CHAT_LENGTH, ServerMessage } from '../src/rooms/messages.ts'
import { MAX_MLS_MESSAGE_CHARS } from '../src/rooms/mls.ts'
import { RoomName } from '../src/rooms/room.ts'

describe('ClientMessage', () => {
  it.each([
    { type: 'heartbeat' },
    { type: 'userLeft' },
    { type: 'chatMessage', message: 'hello' },
    { type: 'muteUser', id: 'u1' },
    { type: 'userUpdate', user: { name: 'Ada', tracks: { audioEnabled: true, audio: 'sess/track' } } },
    { type: 'userUpdate', user: { joined: true }, e2ee: false },
    { type: 'mlsKeyPackage', payload: 'AAEC' },
    { type: 'mlsCommit', epoch: 0, commit: 'AAECAw==', welcome: { to: ['u2'], payload: 'AAE=' } },
  ])('accepts $type', (message) => {
    expect(ClientMessage.safeParse(message).success).toBe(true)
  })

  it.each([
    ['no type', {}],
    ['an unknown type', { type: 'dropTables' }],
    ['a wrong field type', { type: 'muteUser', id: 42 }],
    ['a blank chat message', { type: 'chatMessage', message: '   ' }],
    ['an oversized chat message', { type: 'chatMessage', message: 'x'.repeat(MAX_CHAT_LENGTH + 1) }],
    ['an empty display name', { type: 'userUpdate', user: { name: '' } }],
    // MLS bytes are opaque to the room, but they are base64 of bounded size, at a whole epoch.
    ['MLS bytes that are not base64', { type: 'mlsKeyPackage', payload: 'not base64!' }],
    ['MLS bytes cut short', { type: 'mlsKeyPackage', payload: 'AAE' }],
    ['oversized MLS bytes', { type: 'mlsKeyPackage', payload: 'A'.repeat(MAX_MLS_MESSAGE_CHARS + 4) }],
    ['a negative epoch', { type: 'mlsCommit', epoch: -1, commit: 'AAEC' }],
    ['a fractional epoch', { type: 'mlsCommit', epoch: 0.5, commit: 'AAEC' }],
    ['a Welcome for nobody', { type: 'mlsCommit', epoch: 0, commit: 'AAEC', welcome: { to: [], payload: 'AAEC' } }],
    ['the old untyped MLS relay', { type: 'e2eeMlsMessage', payload: 'anything' }],
    // Messages the socket once knew: the ai Worker drives the AI, and nobody sent API history.
    ['an AI message', { type: 'requestAiControl', track: { sessionId: 's1', trackName: 'mic' } }],
    [
      'an API history entry',
      { type: 'callsApiHistoryEntry', entry: { type: 'request', method: 'POST', endpoint: '/sessions/new', body: {} } },
    ],
  ])('refuses %s', (_label, message) => {
    expect(ClientMessage.safeParse(message).success).toBe(false)
  })
})

describe('ServerMessage', () => {
  it('carries the room log position with the state', () => {
    const parsed = ServerMessage.parse({
      type: 'roomState',
      seq: 3,
      you: 'u1',
      state: { users: [], ai: { status: 'absent' }, chat: [], peakUserCount: 0 },
    })
    expect(parsed.type === 'roomState' && parsed.seq).toBe(3)
  })
})

describe('RoomName', () => {
  it.each(['standup', 'swift-otter-482', 'a1'])('accepts %s', (name) => {
    expect(RoomName.safeParse(name).success).toBe(true)
  })
  it.each(['', 'Upper', 'two words', 'double--dash', '-edge', 'edge-', '_health', 'x'.repeat(65)])(
    'refuses %j',
    (name) => {
      expect(RoomName.safeParse(name).success).toBe(false)
    },
  )
})

describe('userUpdate patches', () => {
  it('carry only what the sender changed: nothing absent comes back as a default', () => {
    const parsed = ClientMessage.parse({ type: 'userUpdate', user: { tracks: { video: 'session/camera' } } })
    expect(parsed).toEqual({ type: 'userUpdate', user: { tracks: { video: 'session/camera' } } })
  })
})
