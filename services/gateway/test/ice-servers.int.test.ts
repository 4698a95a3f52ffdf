import { BrowserIceServers, ManagedTurnKey } from '@tangerine/contracts/calls/turn'
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { OPERATOR_TOKEN } from './support/operators.ts'
import { base, sessionCookie } from './support/session.ts'
import * as z from 'zod'

const get = (path: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(`${base}${path}`, { headers }))

// The first call makes the TURN key at the local SFU; a loaded machine needs more than 5 s.
describe('ICE servers and TURN administration through the gateway', { timeout: 30_000 }, () => {
  it('gives STUN and TURN to a caller with an identity, and nothing to one without', async () => {
    expect((await get('/api/ice-servers')).status).toBe(401)
    const res = await get('/api/ice-servers', { cookie: await sessionCookie('Grace') })
    expect(res.status).toBe(200)
    const { iceServers, ttl } = BrowserIceServers.parse(await res.json())
    expect(ttl).toBeGreaterThan(0)
    expect(iceServers.flatMap((s) => s.urls)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^stun:/),
        expect.stringMatching(/^turn:.*transport=udp$/),
        expect.stringMatching(/^turn:.*transport=tcp$/),
      ]),
    )
  })

  it('passes /api/ops/turn to the media Worker for operators only', async () => {
    expect((await get('/api/ops/turn/keys')).status).toBe(403)
    expect((await get('/api/ops/turn/keys', { authorization: 'Bearer wrong' })).status).toBe(403)
    // The old route is gone: TURN keys are the operators' now.
    expect((await get('/api/admin/turn/keys', { authorization: `Bearer ${OPERATOR_TOKEN}` })).status).toBe(404)
    const res = await get('/api/ops/turn/keys', { authorization: `Bearer ${OPERATOR_TOKEN}` })
    expect(res.status).toBe(200)
    const { keys } = z.object({ keys: z.array(ManagedTurnKey) }).parse(await res.json())
    expect(keys.filter((k) => k.state === 'active')).toHaveLength(1)
  })
})
