import { encodeIdentity, IDENTITY_HEADER } from '@tangerine/contracts'
import { BrowserIceServers } from '@tangerine/contracts/calls/turn'
import { evictDurableObject, runInDurableObject } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'

const asAda = { [IDENTITY_HEADER]: encodeIdentity({ name: 'Ada', source: 'session' }) }

async function iceServers() {
  const res = await exports.default.fetch(new Request('http://media.internal/ice-servers', { headers: asAda }))
  expect(res.status).toBe(200)
  return BrowserIceServers.parse(await res.json())
}

/** The keys the object holds, as stored. */
const stored = (keys: DurableObjectStub) =>
  runInDurableObject(keys, (_i, state) =>
    state.storage.sql
      .exec<{ uid: string; sealed: string; state: string }>('SELECT uid, sealed, state FROM turn_keys')
      .toArray(),
  )

describe('TurnKeys storage', () => {
  it('keeps its active key across an eviction, also when its table was made with raw SQL before the migrations', async () => {
    await iceServers()
    const keys = env.TURN_KEYS.getByName('turn')
    const before = await stored(keys)
    expect(before).toHaveLength(1)
    expect(before[0]!.state).toBe('active')
    // The object as the raw-SQL version left it: its key in a table of that shape, no migrations applied.
    await runInDurableObject(keys, (_i, state) => {
      const sql = state.storage.sql
      sql.exec('ALTER TABLE turn_keys RENAME TO old_turn_keys')
      sql.exec(`CREATE TABLE IF NOT EXISTS turn_keys (
        uid TEXT PRIMARY KEY, name TEXT NOT NULL, sealed TEXT NOT NULL, created TEXT NOT NULL,
        state TEXT NOT NULL, retire_at TEXT)`)
      sql.exec('INSERT INTO turn_keys SELECT * FROM old_turn_keys')
      sql.exec('DROP TABLE old_turn_keys')
      sql.exec('DROP TABLE IF EXISTS __drizzle_migrations')
    })
    await evictDurableObject(keys, { webSockets: 'hibernate' })

    // The same key mints the next credential: no new key was made, the sealed secret still opens.
    expect((await iceServers()).iceServers[1]!.credential).toBeTruthy()
    expect(await stored(keys)).toEqual(before)
    const applied = await runInDurableObject(keys, (_i, state) =>
      state.storage.sql.exec('SELECT COUNT(*) AS n FROM __drizzle_migrations').one(),
    )
    expect(applied.n).toBe(1)
  })
})
