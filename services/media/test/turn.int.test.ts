import { encodeIdentity, IDENTITY_HEADER } from '@tangerine/contracts'
import { encodeOperator, OPERATOR_HEADER } from '@tangerine/contracts/ops/operator'
import { BrowserIceServers, ManagedTurnKey } from '@tangerine/contracts/calls/turn'
import { env, exports } from 'cloudflare:workers'
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, inject, it, vi } from 'vitest'
import * as z from 'zod'
import type { TurnKeys } from '../src/turn/turn-keys.ts'

/*
 * TURN credentials and key lifecycle against the local SFU's TURN API (Cloudflare's, over a real
 * coturn). That coturn takes these credentials, and refuses revoked ones, is shown in
 * packages/sfu/test/turn-coturn.test.ts and end to end in apps/web/e2e/relay.e2e.test.ts.
 */

const asAda = { [IDENTITY_HEADER]: encodeIdentity({ name: 'Ada', source: 'session' }) }
const admin = { [OPERATOR_HEADER]: encodeOperator({ via: 'token' }) }
const get = (path: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(`http://media.internal${path}`, { headers }))
const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = admin) =>
  exports.default.fetch(
    new Request(`http://media.internal${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  )

const Keys = z.object({ keys: z.array(ManagedTurnKey) })
const listKeys = async () => Keys.parse(await (await get('/ops/turn/keys', admin)).json()).keys
const activeKeys = async () => (await listKeys()).filter((k) => k.state === 'active')

/** The SFU's own key list, asked directly: what exists at the TURN API. */
async function keysAtSfu(): Promise<string[]> {
  const sfu = inject('sfu')
  const res = await fetch(`${sfu.accountApiUrl}/accounts/${sfu.appId}/calls/turn_keys`, {
    headers: { authorization: `Bearer ${sfu.appSecret}` },
  })
  return ((await res.json()) as { result: Array<{ uid: string }> }).result.map((k) => k.uid)
}

/** A real Allocate at the SFU's coturn with this credential (scripts/test-support/turn-probe-setup.ts). */
async function allocateWith(servers: BrowserIceServers): Promise<{ ok: boolean; code?: number }> {
  const turn = servers.iceServers[1]!
  const res = await fetch(`${inject('turnProbe')}/allocate`, {
    method: 'POST',
    body: JSON.stringify({
      host: '127.0.0.1',
      port: inject('sfu').turnPort,
      username: turn.username,
      password: turn.credential,
    }),
  })
  expect(res.status).toBe(200)
  return (await res.json()) as { ok: boolean; code?: number }
}

async function iceServers() {
  const res = await get('/ice-servers', asAda)
  expect(res.status).toBe(200)
  return BrowserIceServers.parse(await res.json())
}

describe('GET /ice-servers', () => {
  it('needs an identity', async () => {
    expect((await get('/ice-servers')).status).toBe(401)
    expect((await get('/partytracks/generate-ice-servers')).status).toBe(401)
  })

  it('answers STUN and TURN over udp and tcp with a fresh credential and its TTL, from one key made on first use', async () => {
    const { turnPort } = inject('sfu')
    const [first, second] = await Promise.all([iceServers(), iceServers()])
    expect(first.ttl).toBe(86_400)
    expect(first.iceServers[0]).toEqual({ urls: [`stun:127.0.0.1:${turnPort}`] })
    expect(first.iceServers[1]).toMatchObject({
      urls: [`turn:127.0.0.1:${turnPort}?transport=udp`, `turn:127.0.0.1:${turnPort}?transport=tcp`],
      username: expect.stringMatching(/^\d+:[0-9a-f]{32}$/),
      credential: expect.any(String),
    })
    expect(second.iceServers[1]!.username).not.toBe(first.iceServers[1]!.username)
    // Two concurrent first requests made a single key.
    const active = await activeKeys()
    expect(active).toHaveLength(1)
    expect(await keysAtSfu()).toContain(active[0]!.uid)
    // partytracks' own path answers the same.
    const viaPartytracks = BrowserIceServers.parse(await (await get('/partytracks/generate-ice-servers', asAda)).json())
    expect(viaPartytracks.iceServers[1]!.urls).toEqual(first.iceServers[1]!.urls)
  })

  it('keeps the key secret sealed at rest', async () => {
    await iceServers()
    const [uid] = (await activeKeys()).map((k) => k.uid)
    const rows = await runInDurableObject(env.TURN_KEYS.getByName('turn'), (_instance: TurnKeys, state) =>
      state.storage.sql.exec<{ uid: string; sealed: string }>('SELECT uid, sealed FROM turn_keys').toArray(),
    )
    const row = rows.find((r) => r.uid === uid)!
    // Keys are 96 hex characters; the sealed form is base64 of iv + ciphertext + tag, never the hex.
    expect(row.sealed).not.toMatch(/^[0-9a-f]{96}$/)
    expect(atob(row.sealed)).toHaveLength(12 + 96 + 16)
  })

  it('replaces a key the TURN API no longer knows', async () => {
    await iceServers()
    const [lost] = await activeKeys()
    const sfu = inject('sfu')
    await fetch(`${sfu.accountApiUrl}/accounts/${sfu.appId}/calls/turn_keys/${lost!.uid}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${sfu.appSecret}` },
    })
    const after = await iceServers()
    expect(after.iceServers[1]!.username).toBeTruthy()
    const [replacement] = await activeKeys()
    expect(replacement!.uid).not.toBe(lost!.uid)
  })
})

describe('TURN administration', () => {
  it('is for operators as the gateway marks them, and nobody else', async () => {
    expect((await get('/ops/turn/keys')).status).toBe(403)
    // The old per-service token counts for nothing here: the gateway alone checks it.
    expect((await get('/ops/turn/keys', { authorization: 'Bearer test-admin-token' })).status).toBe(403)
    expect((await send('POST', '/ops/turn/keys/rotate', {}, { ...asAda, [OPERATOR_HEADER]: 'e30' })).status).toBe(403)
  })

  it('rotates with an overlap: the old key retires, keeps working, and the alarm deletes it at the TURN API', async () => {
    const oldCredential = await iceServers()
    const [old] = await activeKeys()
    const res = await send('POST', '/ops/turn/keys/rotate', { overlapSeconds: 3600 })
    expect(res.status).toBe(200)
    const rotated = z.object({ active: ManagedTurnKey, retiring: z.array(ManagedTurnKey) }).parse(await res.json())
    expect(rotated.active.uid).not.toBe(old!.uid)
    expect(rotated.retiring).toEqual([
      expect.objectContaining({ uid: old!.uid, state: 'retiring', retireAt: expect.any(String) }),
    ])
    expect(Date.parse(rotated.retiring[0]!.retireAt!) - Date.now()).toBeGreaterThan(3500_000)

    // During the overlap both keys exist at the TURN API; the alarm before its time changes nothing.
    const stub = env.TURN_KEYS.getByName('turn')
    await runDurableObjectAlarm(stub)
    expect(await keysAtSfu()).toEqual(expect.arrayContaining([old!.uid, rotated.active.uid]))
    expect((await activeKeys()).map((k) => k.uid)).toEqual([rotated.active.uid])
    // "Keeps working": coturn itself relays for a credential the old key made before the rotation.
    expect(await allocateWith(oldCredential)).toMatchObject({ ok: true })
    const fromRotated = await iceServers()
    expect(await allocateWith(fromRotated)).toMatchObject({ ok: true })

    // A rotation with no overlap: the previous key is deleted at its alarm.
    const again = z
      .object({ active: ManagedTurnKey, retiring: z.array(ManagedTurnKey) })
      .parse(await (await send('POST', '/ops/turn/keys/rotate', { overlapSeconds: 0 })).json())
    expect(again.retiring.map((k) => k.uid)).toEqual([rotated.active.uid])
    // Due at once: the alarm may already have gone off by itself; running it again is harmless.
    // vi.waitFor gives up after 1 s by default, which a loaded machine can take for the deletion.
    await runDurableObjectAlarm(stub)
    await vi.waitFor(async () => expect(await keysAtSfu()).not.toContain(rotated.active.uid), {
      timeout: 30_000,
      interval: 100,
    })
    const atSfu = await keysAtSfu()
    expect(atSfu).toContain(old!.uid)
    expect(atSfu).toContain(again.active.uid)
    // Its deletion is what coturn goes by: that key's credential no longer allocates, the overlap key's still does.
    expect(await allocateWith(fromRotated)).toEqual({ ok: false, code: 401, reason: expect.any(String) })
    expect(await allocateWith(oldCredential)).toMatchObject({ ok: true })
  })

  it('deletes a retiring key on request, refuses the active one, and renames', async () => {
    await iceServers()
    const [old] = await activeKeys()
    const { active } = z
      .object({ active: ManagedTurnKey })
      .parse(await (await send('POST', '/ops/turn/keys/rotate', {})).json())
    expect((await send('DELETE', `/ops/turn/keys/${active.uid}`)).status).toBe(409)
    expect((await send('DELETE', `/ops/turn/keys/${old!.uid}`)).status).toBe(204)
    expect(await keysAtSfu()).not.toContain(old!.uid)
    expect((await send('DELETE', `/ops/turn/keys/${old!.uid}`)).status).toBe(404)

    const renamed = await send('PATCH', `/ops/turn/keys/${active.uid}`, { name: 'meetings' })
    expect(ManagedTurnKey.parse(await renamed.json())).toMatchObject({
      uid: active.uid,
      name: 'meetings',
      state: 'active',
    })
    expect((await send('PATCH', `/ops/turn/keys/${active.uid}`, { name: '' })).status).toBe(400)
  })

  it('logs each operator action with the operator who took it', async () => {
    const lines: string[] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)))
    const byAccess = { [OPERATOR_HEADER]: encodeOperator({ via: 'access', email: 'ops@example.com' }) }
    try {
      await iceServers()
      const { active, retiring } = z
        .object({ active: ManagedTurnKey, retiring: z.array(ManagedTurnKey) })
        .parse(await (await send('POST', '/ops/turn/keys/rotate', { overlapSeconds: 60 }, byAccess)).json())
      await send('PATCH', `/ops/turn/keys/${active.uid}`, { name: 'renamed' }, byAccess)
      await send('DELETE', `/ops/turn/keys/${retiring[0]!.uid}`)
      const { iceServers: servers } = await iceServers()
      await send(
        'POST',
        `/ops/turn/credentials/${encodeURIComponent(servers[1]!.username!)}/revoke`,
        undefined,
        byAccess,
      )
    } finally {
      spy.mockRestore()
    }
    const logged = lines.flatMap((line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; by?: string }
        return entry.msg?.startsWith('turn ') && entry.by ? [[entry.msg, entry.by]] : []
      } catch {
        return []
      }
    })
    expect(logged).toEqual([
      ['turn key rotated', 'ops@example.com'],
      ['turn key renamed', 'ops@example.com'],
      ['turn key deleted', 'token'],
      ['turn credential revoked', 'ops@example.com'],
    ])
  })

  it('revokes a credential at the TURN API: coturn refuses it from then on, and only it', async () => {
    const revoked = await iceServers()
    const kept = await iceServers()
    expect(await allocateWith(revoked)).toMatchObject({ ok: true })
    const username = revoked.iceServers[1]!.username!
    expect((await send('POST', `/ops/turn/credentials/${encodeURIComponent(username)}/revoke`)).status).toBe(204)
    expect(await allocateWith(revoked)).toEqual({ ok: false, code: 401, reason: expect.any(String) })
    expect(await allocateWith(kept)).toMatchObject({ ok: true })
    expect((await send('POST', `/ops/turn/credentials/${encodeURIComponent('bad name!')}/revoke`)).status).toBe(400)
  })
})
