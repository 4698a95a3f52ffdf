import { RoomCloseCode, type LoggedEvent } from '@tangerine/contracts'
import { OperatorActionResult, OpsEventsPage } from '@tangerine/contracts/ops/api'
import { encodeOperator, OPERATOR_HEADER } from '@tangerine/contracts/ops/operator'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { joinedInTurn } from '../helpers/meeting.ts'
import { connect, isError, isEvent, isState, randomRoom } from '../helpers/socket.ts'
import { asOperator, ops } from './support.ts'

const stateOf = async (room: string) => (await env.ROOM.getByName(room).getState()).state
const post = (path: string, headers = asOperator) => ops(path, headers, 'POST')
const logOf = async (room: string, type: string) => {
  const res = await ops(`/rooms/${room}/events?type=${type}`)
  return OpsEventsPage.parse(await res.json()).events
}

/** Ada (host) and Bob in the meeting, Cy in the lobby. */
async function meeting() {
  const room = randomRoom()
  const [ada, bob] = await joinedInTurn(room, ['Ada', 'Bob'], false)
  const cy = await connect(room, 'Cy')
  await cy.next(isState)
  return { room, ada: ada!, bob: bob!, cy }
}

describe('operators act on a meeting from the dashboard', () => {
  it('removes a person: their socket closes, they are barred, the log names the operator and the room does not', async () => {
    const { room, ada, bob, cy } = await meeting()
    const res = await post(`/rooms/${room}/users/${bob.id}/remove`)
    expect(res.status).toBe(200)
    const result = OperatorActionResult.parse(await res.json())
    expect(result).toMatchObject({ ok: true })

    // Everyone hears that an operator did it, not which one.
    const seen = await ada.next(isEvent('UserRemovedByOperator', (d) => d.userId === bob.id))
    expect(seen.event.data).toMatchObject({ operator: 'operator' })
    expect(JSON.stringify(seen)).not.toContain('ops@example.com')
    await cy.next(isEvent('UserRemovedByOperator'))
    expect((await bob.closed).code).toBe(RoomCloseCode.removed)

    const again = await connect(room, 'Bob', { id: `${bob.id.slice(0, 16)}${'0'.repeat(16)}` })
    await again.next((m) => isError(m) && m.code === 'removed')
    expect((await again.closed).code).toBe(RoomCloseCode.removed)
    expect((await stateOf(room)).users.map((u) => u.name)).toEqual(['Ada', 'Cy'])

    // The operators' log keeps who it was.
    const [logged] = await logOf(room, 'UserRemovedByOperator')
    expect(logged).toMatchObject({
      data: { userId: bob.id, operator: 'ops@example.com' },
      metadata: { actor: 'operator' },
    })
  })

  it('removing the host hands the role on; removing the last person ends the meeting', async () => {
    const { room, ada, bob } = await meeting()
    expect((await post(`/rooms/${room}/users/${ada.id}/remove`)).status).toBe(200)
    await bob.next(isEvent('HostAssigned', (d) => d.userId === bob.id))
    expect((await stateOf(room)).host).toBe(bob.id)

    expect((await post(`/rooms/${room}/users/${bob.id}/remove`)).status).toBe(200)
    expect((await bob.closed).code).toBe(RoomCloseCode.removed)
    expect((await stateOf(room)).meetingId).toBeUndefined()
    expect(await logOf(room, 'MeetingEnded')).toHaveLength(1)
  })

  it('ends the meeting for everyone in it; the lobby stays and hears it', async () => {
    const { room, ada, bob, cy } = await meeting()
    const res = await post(`/rooms/${room}/end`)
    expect(res.status).toBe(200)
    const ended = await cy.next(isEvent('MeetingEndedByOperator'))
    expect(ended.event.data).toMatchObject({ operator: 'operator' })
    for (const s of [ada, bob]) expect((await s.closed).code).toBe(RoomCloseCode.meetingEnded)
    const state = await stateOf(room)
    expect(state.users.map((u) => u.name)).toEqual(['Cy'])
    expect(state.meetingId).toBeUndefined()
    const logged: LoggedEvent[] = await logOf(room, 'MeetingEndedByOperator,MeetingEnded')
    expect(logged.map((e) => e.type)).toEqual(['MeetingEnded', 'MeetingEndedByOperator'])
    expect(logged[1]).toMatchObject({ data: { operator: 'ops@example.com' } })
  })

  it('names the token operator "token"', async () => {
    const { room } = await meeting()
    const token = { [OPERATOR_HEADER]: encodeOperator({ via: 'token' }) }
    expect((await post(`/rooms/${room}/end`, token)).status).toBe(200)
    expect((await logOf(room, 'MeetingEndedByOperator'))[0]).toMatchObject({ data: { operator: 'token' } })
  })

  it('refuses what cannot be done, changing nothing: no meeting to end, nobody of that id, a malformed id', async () => {
    const { room } = await meeting()
    const before = await env.ROOM.getByName(room).getState()
    const nobody = await post(`/rooms/${room}/users/${'z'.repeat(32)}/remove`)
    expect(nobody.status).toBe(404)
    expect(await nobody.json()).toMatchObject({ type: 'https://tangerine.dev/problems/room/unknown_user' })
    expect((await post(`/rooms/${room}/users/bad%20id/remove`)).status).toBe(400)
    expect((await env.ROOM.getByName(room).getState()).seq).toBe(before.seq)

    const empty = randomRoom()
    const lone = await connect(empty, 'Lone')
    await lone.next(isState)
    const none = await post(`/rooms/${empty}/end`)
    expect(none.status).toBe(409)
    expect(await none.json()).toMatchObject({ type: 'https://tangerine.dev/problems/room/conflict' })
  })
})
