import { problemTypes } from '@tangerine/contracts'
import { AI_REFUSED_IN_E2EE, type RoomAiCommand } from '@tangerine/contracts/ai/api'
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { connect, isState, randomRoom } from '../helpers/socket.ts'

/** The ai Worker's route: commands decided by the room's rules, seen by everyone in the log. */
const command = (room: string, body: RoomAiCommand | Record<string, unknown>) =>
  exports.default.fetch(
    new Request(`http://rooms.internal/rooms/${room}/ai`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  )

describe("the ai Worker's commands", () => {
  it('records the AI joining, one controller at a time, released when the controller leaves', async () => {
    const room = randomRoom()
    const ada = await connect(room, 'Ada')
    const bob = await connect(room, 'Bob')
    await Promise.all([ada.next(isState), bob.next(isState)])
    // Ada opens the meeting unencrypted: the AI takes part only there.
    for (const s of [ada, bob]) s.send({ type: 'userUpdate', user: { joined: true }, e2ee: false })
    // Each socket's own update proves its join was applied: one socket's order says nothing of another's.
    await Promise.all(
      [ada, bob].map((s) =>
        s.next((m) => m.type === 'event' && m.event.type === 'UserUpdated' && m.event.data.userId === s.id),
      ),
    )

    expect((await command(room, { type: 'InviteAi', by: ada.id, voice: 'alloy' })).status).toBe(200)
    const joined = await command(room, { type: 'CompleteAi', sessionId: 's1', trackName: 'ai-generated-voice' })
    expect(await joined.json()).toMatchObject({ ok: true, state: { ai: { status: 'joined', sessionId: 's1' } } })

    expect((await command(room, { type: 'TakeAiControl', userId: ada.id })).status).toBe(200)
    const refused = await command(room, { type: 'TakeAiControl', userId: bob.id })
    expect(refused.status).toBe(409)
    expect(await refused.json()).toMatchObject({
      type: problemTypes.room.conflict,
      detail: 'Someone else is talking to the AI',
    })

    const taken = await bob.next((m) => m.type === 'event' && m.event.type === 'AiControlTaken')
    expect(taken).toMatchObject({ event: { data: { userId: ada.id }, metadata: { actor: 'service:ai' } } })
    ada.send({ type: 'userLeft' })
    await bob.next((m) => m.type === 'event' && m.event.type === 'AiControlReleased')
    expect((await command(room, { type: 'TakeAiControl', userId: bob.id })).status).toBe(200)
  })

  it('refuses the AI in an end-to-end encrypted meeting, whose log then has no invitation', async () => {
    const room = randomRoom()
    const ada = await connect(room, 'Ada')
    await ada.next(isState)
    ada.send({ type: 'userUpdate', user: { joined: true }, e2ee: true })
    await ada.next((m) => m.type === 'event' && m.event.type === 'UserUpdated')

    const refused = await command(room, { type: 'InviteAi', by: ada.id, voice: 'alloy' })
    expect(refused.status).toBe(409)
    expect(await refused.json()).toMatchObject({ type: problemTypes.room.e2ee_on, detail: AI_REFUSED_IN_E2EE })
    // Nothing was recorded: by the chat message sent after it (one socket's frames keep their
    // order), Ada has had no AI event, and the AI is absent.
    ada.send({ type: 'chatMessage', message: 'after' })
    await ada.next((m) => m.type === 'event' && m.event.type === 'ChatMessageSent')
    expect(ada.messages.filter((m) => m.type === 'event' && m.event.type.startsWith('Ai'))).toEqual([])
    const state = await exports.default.fetch(`http://rooms.internal/rooms/${room}`)
    expect(await state.json()).toMatchObject({ state: { e2ee: true, ai: { status: 'absent' } } })
  })

  it('refuses an invitation from the lobby, and bad commands', async () => {
    const room = randomRoom()
    const ada = await connect(room, 'Ada')
    await ada.next(isState)
    const lobby = await command(room, { type: 'InviteAi', by: ada.id })
    expect(lobby.status).toBe(403)
    expect(await lobby.json()).toMatchObject({ type: problemTypes.room.not_joined })
    expect((await command(room, { type: 'CompleteAi', sessionId: 's', trackName: 't' })).status).toBe(409)
    expect((await command(room, { type: 'DropTables' })).status).toBe(400)
  })
})
