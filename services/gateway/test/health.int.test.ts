import { SystemHealth } from '@tangerine/contracts/health'
import { ProblemDetails } from '@tangerine/contracts/errors'
import { createExecutionContext } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import worker from '../src/index.ts'

const get = (path: string) => exports.default.fetch(new Request(`http://localhost${path}`))

describe('GET /api/health', () => {
  it('asks every service through its binding and reports them all up', async () => {
    const res = await get('/api/health')
    expect(res.status).toBe(200)
    const health = SystemHealth.parse(await res.json())
    expect(health.status).toBe('ok')
    expect(health.services.map((s) => s.service).sort()).toEqual(['ai', 'feedback', 'gateway', 'media', 'rooms', 'web'])
    for (const entry of health.services) {
      expect(entry.status, `${entry.service}: ${entry.error}`).toBe('ok')
      // Each report came from the service itself, not from the gateway's guess.
      expect(entry.report?.service).toBe(entry.service)
    }
    const rooms = health.services.find((s) => s.service === 'rooms')
    expect(rooms?.report?.checks).toMatchObject({ durableObject: { status: 'ok' }, d1: { status: 'ok' } })
  })

  it('calls a service that does not answer within HEALTH_TIMEOUT_MS down, and the system degraded', async () => {
    // The real media Worker, whose Calls API holds every request open: its health check hangs.
    const slow = { ...env, MEDIA: env.STALLED_MEDIA, HEALTH_TIMEOUT_MS: '300' } as GatewayEnv
    const res = await worker.fetch(new Request('http://localhost/api/health'), slow, createExecutionContext())
    expect(res.status).toBe(503)
    const health = SystemHealth.parse(await res.json())
    expect(health.status).toBe('degraded')
    const media = health.services.find((s) => s.service === 'media')
    expect(media).toMatchObject({ status: 'down', error: 'no answer within 300 ms' })
    for (const other of health.services.filter((s) => s.service !== 'media')) expect(other.status).toBe('ok')
  })

  it('narrows the report to one service', async () => {
    const res = await get('/api/health?service=rooms')
    expect(res.status).toBe(200)
    const health = SystemHealth.parse(await res.json())
    expect(health.services.map((s) => s.service)).toEqual(['rooms'])
  })

  it.each([
    ['/api/health?service=database', 'service'],
    ['/api/health?verbose=1', '(root)'],
  ])('answers %s with a 400 problem naming the bad field', async (path, field) => {
    const res = await get(path)
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toContain('application/json')
    const body = ProblemDetails.parse(await res.json())
    expect(body.status).toBe(400)
    expect(body.errors?.map((e) => e.path)).toContain(field)
  })
})

describe('routing', () => {
  it('answers an unknown API route with a JSON 404, not the web app', async () => {
    const res = await get('/api/no-such-thing')
    expect(res.status).toBe(404)
    const body = ProblemDetails.parse(await res.json())
    expect(body.detail).toContain('/api/no-such-thing')
  })

  it('hands everything else to the web app through its binding', async () => {
    const res = await get('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    const html = await res.text()
    expect(html).toContain('New meeting')
    // The landing page's server load went back through the gateway for the health panel.
    expect(html).toContain('data-service="rooms"')
  })

  it('lets the web app answer its own 404 for an invalid room name', async () => {
    const res = await get('/r/Not_A_Room')
    expect(res.status).toBe(404)
  })
})
