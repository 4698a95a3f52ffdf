import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IceServersResponse } from '@tangerine/contracts/calls/api'
import { cfEnvelope, TurnKey, TurnKeyCreated } from '@tangerine/contracts/calls/turn'
import { z } from 'zod'
import type { RunningSfu } from '../src/server.ts'
import { APP_ID, APP_SECRET, startTestSfu, loopbackTurn } from './helpers/sfu.ts'
import { allocate } from './helpers/turn-client.ts'
import { waitFor } from './helpers/wait.ts'

/*
 * The TURN API against a real coturn: credentials the SFU mints are tried with real Allocate
 * requests, so "revoked" means coturn itself refuses them.
 */

let sfu: RunningSfu
let dir: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sfu-turn-test-'))
  sfu = await startTestSfu({
    turn: loopbackTurn([49400, 49499], join(dir, 'turndb.sqlite')),
  })
})
afterAll(async () => {
  await sfu.close()
  rmSync(dir, { recursive: true, force: true })
})

const keysPath = `/client/v4/accounts/${APP_ID}/calls/turn_keys`

async function call(method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${sfu.url}${path}`, {
    method,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined }
}

async function createKey(name = 'test') {
  const res = await call('POST', keysPath, APP_SECRET, { name })
  expect(res.status).toBe(201)
  return cfEnvelope(TurnKeyCreated).parse(res.json).result!
}

async function credential(key: { uid: string; key: string }, ttl = 600) {
  const res = await call('POST', `/v1/turn/keys/${key.uid}/credentials/generate-ice-servers`, key.key, { ttl })
  expect(res.status).toBe(201)
  const turn = IceServersResponse.parse(res.json).iceServers.find((s) => s.username)!
  return { username: turn.username!, credential: turn.credential! }
}

const tryAllocate = (c: { username: string; credential: string }) =>
  allocate('127.0.0.1', sfu.turn!.port, c.username, c.credential)

describe('TURN key management (Cloudflare account API shape)', () => {
  it('creates, lists, reads, renames and deletes keys in the envelope', async () => {
    const created = await createKey('first')
    expect(created.key).toMatch(/^[0-9a-f]{96}$/)
    const list = cfEnvelope(z.array(TurnKey)).parse((await call('GET', keysPath, APP_SECRET)).json)
    expect(list.success).toBe(true)
    expect(list.result!.map((k) => k.uid)).toContain(created.uid)
    expect(list.result!.every((k) => !('key' in k))).toBe(true)

    const renamed = await call('PUT', `${keysPath}/${created.uid}`, APP_SECRET, { name: 'renamed' })
    expect(cfEnvelope(TurnKey).parse(renamed.json).result!.name).toBe('renamed')
    expect(
      cfEnvelope(TurnKey).parse((await call('GET', `${keysPath}/${created.uid}`, APP_SECRET)).json).result!.name,
    ).toBe('renamed')

    expect((await call('DELETE', `${keysPath}/${created.uid}`, APP_SECRET)).status).toBe(200)
    const gone = await call('GET', `${keysPath}/${created.uid}`, APP_SECRET)
    expect(gone.status).toBe(404)
    expect(cfEnvelope(TurnKey).parse(gone.json)).toMatchObject({ success: false, result: null })
  })

  it('refuses a wrong token, an unknown account and a bad body', async () => {
    expect((await call('GET', keysPath, 'nope')).status).toBe(401)
    expect((await call('GET', keysPath, null)).status).toBe(401)
    expect((await call('GET', `/client/v4/accounts/nobody/calls/turn_keys`, APP_SECRET)).status).toBe(404)
    expect((await call('PUT', `${keysPath}/whatever`, APP_SECRET, { name: 5 })).status).toBe(400)
    // Another account's token does not reach this account's keys.
    expect((await call('GET', keysPath, 'other-secret')).status).toBe(401)
  })
})

describe('TURN credentials', () => {
  it('generate-ice-servers answers STUN and TURN over udp and tcp', async () => {
    const key = await createKey()
    const before = Math.floor(Date.now() / 1000)
    const res = await call('POST', `/v1/turn/keys/${key.uid}/credentials/generate-ice-servers`, key.key, { ttl: 60 })
    const after = Math.floor(Date.now() / 1000)
    expect(res.status).toBe(201)
    const port = sfu.turn!.port
    const { iceServers } = IceServersResponse.parse(res.json)
    expect(iceServers[0]).toEqual({ urls: [`stun:127.0.0.1:${port}`] })
    expect(iceServers[1]).toMatchObject({
      urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`],
    })
    // coturn's time-limited scheme: "<expiry>:<id>", the expiry `ttl` seconds after the request.
    const expiry = Number(iceServers[1]!.username!.split(':')[0])
    expect(expiry).toBeGreaterThanOrEqual(before + 60)
    expect(expiry).toBeLessThanOrEqual(after + 60)
  })

  it('refuses a wrong key, another key’s secret and a bad ttl', async () => {
    const a = await createKey()
    const b = await createKey()
    const path = `/v1/turn/keys/${a.uid}/credentials/generate-ice-servers`
    expect((await call('POST', path, 'nope', { ttl: 60 })).status).toBe(401)
    expect((await call('POST', path, b.key, { ttl: 60 })).status).toBe(401)
    expect((await call('POST', path, a.key, { ttl: 0 })).status).toBe(406)
    expect((await call('POST', path, a.key, { ttl: 'x' })).status).toBe(400)
    expect((await call('POST', path, a.key, { ttl: 49 * 3600 })).status).toBe(406)
  })

  it('coturn accepts a fresh credential and refuses a tampered one', async () => {
    const key = await createKey()
    const good = await credential(key)
    const ok = await tryAllocate(good)
    expect(ok).toMatchObject({ ok: true })
    expect(ok.ok && ok.relayed).toMatch(/^127\.0\.0\.1:\d+$/)

    const [expiry, id] = good.username.split(':')
    // Another first character, whatever it was: a fixed 'x' left a credential that began with one
    // (1 in 64) unchanged, and a fresh-clone run then got a relay.
    const tampered = good.credential.replace(/^./, (ch) => (ch === 'x' ? 'y' : 'x'))
    expect(tampered).not.toBe(good.credential)
    expect(await tryAllocate({ ...good, credential: tampered })).toEqual({
      ok: false,
      code: 401,
      reason: 'Unauthorized',
    })
    expect(await tryAllocate({ ...good, username: `${Number(expiry) + 3600}:${id}` })).toMatchObject({
      ok: false,
      code: 401,
    })
    expect(
      await tryAllocate({ ...good, username: `${expiry}:${id!.replace(/^./, (ch) => (ch === 'a' ? 'b' : 'a'))}` }),
    ).toMatchObject({ ok: false, code: 401 })
  })

  it('coturn refuses an expired credential', async () => {
    const key = await createKey()
    const short = await credential(key, 1)
    // coturn takes a credential while its expiry is not before its own clock (whole seconds), and
    // its clock can be a second behind ours (a fresh-clone run got a relay with our second one past
    // the expiry): wait until ours is two seconds past, the margin the old fixed 2.1 s sleep had.
    const expiry = Number(short.username.split(':')[0])
    expect(expiry).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1)
    await waitFor(() => Math.floor(Date.now() / 1000) > expiry + 1, 'the clock to pass the credential’s expiry')
    expect(await tryAllocate(short)).toMatchObject({ ok: false, code: 401 })
  })

  it('revoking one credential makes coturn refuse it, and only it', async () => {
    const key = await createKey()
    const revoked = await credential(key)
    const kept = await credential(key)
    expect(await tryAllocate(revoked)).toMatchObject({ ok: true })
    const res = await call(
      'POST',
      `/v1/turn/keys/${key.uid}/credentials/${encodeURIComponent(revoked.username)}/revoke`,
      key.key,
    )
    expect(res).toEqual({ status: 204, json: undefined })
    expect(await tryAllocate(revoked)).toMatchObject({ ok: false, code: 401 })
    expect(await tryAllocate(kept)).toMatchObject({ ok: true })
    // Revoking again, or with another key, changes nothing and is not an error.
    expect(
      (
        await call(
          'POST',
          `/v1/turn/keys/${key.uid}/credentials/${encodeURIComponent(revoked.username)}/revoke`,
          key.key,
        )
      ).status,
    ).toBe(204)
    expect(
      (await call('POST', `/v1/turn/keys/${key.uid}/credentials/${encodeURIComponent(kept.username)}/revoke`, 'nope'))
        .status,
    ).toBe(401)
    expect(await tryAllocate(kept)).toMatchObject({ ok: true })
  })

  it('deleting a key makes coturn refuse every credential it minted, and the key mints no more', async () => {
    const doomed = await createKey()
    const other = await createKey()
    const minted = [await credential(doomed), await credential(doomed)]
    const survivor = await credential(other)
    for (const c of minted) expect(await tryAllocate(c)).toMatchObject({ ok: true })
    expect((await call('DELETE', `${keysPath}/${doomed.uid}`, APP_SECRET)).status).toBe(200)
    for (const c of minted) expect(await tryAllocate(c)).toMatchObject({ ok: false, code: 401 })
    expect(await tryAllocate(survivor)).toMatchObject({ ok: true })
    expect(
      (await call('POST', `/v1/turn/keys/${doomed.uid}/credentials/generate-ice-servers`, doomed.key, { ttl: 60 }))
        .status,
    ).toBe(401)
  })

  it('keeps keys and credentials across a restart on the same user database', async () => {
    const key = await createKey('durable')
    const c = await credential(key)
    const config = {
      port: 0,
      realm: 'tangerine-test',
      host: '127.0.0.1',
      listeningIp: '127.0.0.1',
      relayIp: '127.0.0.1',
      relayPorts: [49500, 49599] as [number, number],
      userdb: join(dir, 'turndb.sqlite'),
    }
    const second = await startTestSfu({ turn: config })
    try {
      expect(await allocate('127.0.0.1', second.turn!.port, c.username, c.credential)).toMatchObject({ ok: true })
      const res = await fetch(`${second.url}/v1/turn/keys/${key.uid}/credentials/generate-ice-servers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.key}` },
        body: JSON.stringify({ ttl: 60 }),
      })
      expect(res.status).toBe(201)
    } finally {
      await second.close()
    }
  })
})

describe('without TURN configured', () => {
  it('the TURN API answers 404', async () => {
    const plain = await startTestSfu()
    try {
      const res = await fetch(`${plain.url}${keysPath}`, { headers: { authorization: `Bearer ${APP_SECRET}` } })
      expect(res.status).toBe(404)
      const creds = await fetch(`${plain.url}/v1/turn/keys/k/credentials/generate-ice-servers`, { method: 'POST' })
      expect(creds.status).toBe(404)
    } finally {
      await plain.close()
    }
  })
})
