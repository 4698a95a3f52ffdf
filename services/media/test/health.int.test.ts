import { ServiceHealth } from '@tangerine/contracts/health'
import { ProblemDetails } from '@tangerine/contracts/errors'
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'

describe('media health', () => {
  it('reports itself up', async () => {
    const res = await exports.default.fetch(new Request('http://media.internal/health'))
    expect(res.status).toBe(200)
    expect(ServiceHealth.parse(await res.json())).toMatchObject({ service: 'media', status: 'ok' })
  })

  it('answers an unknown route with a JSON 404', async () => {
    const res = await exports.default.fetch(new Request('http://media.internal/nope', { method: 'POST' }))
    expect(res.status).toBe(404)
    expect(ProblemDetails.parse(await res.json()).detail).toBe('No route for POST /nope')
  })
})

describe('media health with a wrong Calls secret', () => {
  it('is down and says why', async () => {
    const { env } = await import('cloudflare:workers')
    const { Hono } = await import('hono')
    const { health } = await import('../src/routes/health.ts')
    const app = new Hono<{ Bindings: MediaEnv }>().route('/health', health)
    const res = await app.fetch(new Request('http://media.internal/health'), { ...env, CALLS_APP_SECRET: 'wrong' })
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({
      status: 'down',
      checks: { calls: { status: 'down', detail: 'the Calls API refused the app secret' } },
    })
  })
})
