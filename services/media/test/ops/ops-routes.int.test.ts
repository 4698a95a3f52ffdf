import { RoomCallsSessions, SfuStats } from '@tangerine/contracts/ops/api'
import { encodeIdentity, IDENTITY_HEADER } from '@tangerine/contracts'
import { encodeOperator, OPERATOR_HEADER } from '@tangerine/contracts/ops/operator'
import { env, exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { sfuStats } from '../../src/calls/sfu-stats.ts'
import { join, newSession, publish, randomRoom } from '../support/calls-people.ts'

const asOperator = { [OPERATOR_HEADER]: encodeOperator({ via: 'token' }) }
const ops = (path: string, headers: Record<string, string> = asOperator) =>
  exports.default.fetch(new Request(`http://media.internal/ops${path}`, { headers }))

describe("the media Worker's ops routes", () => {
  it("lists a room's Calls sessions with their tracks and API history", async () => {
    const room = randomRoom()
    const ada = await join(room, 'Ada')
    const session = await newSession(ada)
    const mic = await publish(ada, session)
    const res = await ops(`/rooms/${room}/calls`)
    expect(res.status).toBe(200)
    const { sessions } = RoomCallsSessions.parse(await res.json())
    expect(sessions).toHaveLength(1)
    expect(sessions[0]).toMatchObject({ sessionId: session, userId: ada.id, tracks: [mic] })
    expect(sessions[0]!.history.map((e) => `${e.type} ${e.endpoint}`)).toEqual(
      expect.arrayContaining([`request /sessions/${session}/tracks/new`, `response /sessions/${session}/tracks/new`]),
    )
    expect(RoomCallsSessions.parse(await (await ops(`/rooms/${randomRoom()}/calls`)).json()).sessions).toEqual([])
    expect((await ops('/rooms/Not_A_Room/calls')).status).toBe(400)
  })

  it("reads the local SFU's sessions and packets per second, and says Cloudflare Calls has none", async () => {
    const stats = SfuStats.parse(await (await ops('/sfu')).json())
    expect(stats).toMatchObject({ status: 'available', sessions: expect.any(Number), packetsOut: expect.any(Number) })
    const calls = await sfuStats({ ...env, CALLS_API_URL: 'https://rtc.live.cloudflare.com/v1' })
    expect(calls).toEqual({ status: 'unavailable', reason: 'Cloudflare Calls has no stats API; the local SFU has' })
    const down = await sfuStats({ ...env, CALLS_API_URL: 'http://127.0.0.1:9/v1' })
    expect(down.status).toBe('unavailable')
  })

  it('refuses everyone the gateway did not mark as an operator', async () => {
    const room = randomRoom()
    const outsiders: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer test-admin-token' },
      { [IDENTITY_HEADER]: encodeIdentity({ name: 'Ada', source: 'session', key: 'a'.repeat(16) }) },
      { [OPERATOR_HEADER]: 'garbage' },
    ]
    for (const headers of outsiders) {
      for (const path of ['/sfu', `/rooms/${room}/calls`, '/turn/keys']) {
        expect((await ops(path, headers)).status, path).toBe(403)
      }
    }
  })
})
