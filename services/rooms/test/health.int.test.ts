import { ServiceHealth } from '@tangerine/contracts/health'
import { ProblemDetails } from '@tangerine/contracts/errors'
import { env, exports } from 'cloudflare:workers'
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'

describe('rooms health', () => {
  it('proves a Durable Object SQLite round-trip and a D1 query', async () => {
    const res = await exports.default.fetch(new Request('http://rooms.internal/health'))
    expect(res.status).toBe(200)
    const report = ServiceHealth.parse(await res.json())
    expect(report).toMatchObject({
      service: 'rooms',
      status: 'ok',
      checks: { durableObject: { status: 'ok' }, d1: { status: 'ok' } },
    })
  })

  it('answers the probe from the room object itself', async () => {
    const stub = env.ROOM.getByName(`probe-${crypto.randomUUID()}`)
    expect(await stub.ping()).toBe(1)
    // The object that answered is SQLite-backed: a KV-backed object has no database to size.
    const size = await runInDurableObject(stub, (_instance, state) => state.storage.sql.databaseSize)
    expect(size).toBeGreaterThan(0)
  })

  it('answers an unknown route with a JSON 404', async () => {
    const res = await exports.default.fetch(new Request('http://rooms.internal/nope'))
    expect(res.status).toBe(404)
    expect(ProblemDetails.parse(await res.json()).status).toBe(404)
  })
})
