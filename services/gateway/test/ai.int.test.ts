import { ProblemDetails } from '@tangerine/contracts'
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { base, sessionCookie } from './support/session.ts'

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  exports.default.fetch(
    new Request(`${base}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    }),
  )

describe('the AI participant through the gateway', () => {
  it('needs an identity', async () => {
    expect((await post('/api/rooms/gateway-ai/ai', { user: 'abcdefgh12345678' })).status).toBe(401)
  })

  it('passes identified calls to the ai Worker, which refuses someone not in the room', async () => {
    const cookie = await sessionCookie('Grace')
    for (const path of [
      '/api/rooms/gateway-ai/ai',
      '/api/rooms/gateway-ai/ai/dismiss',
      '/api/rooms/gateway-ai/ai/release',
    ]) {
      const res = await post(path, { user: 'abcdefgh12345678' }, { cookie })
      expect(res.status).toBe(403)
      expect(ProblemDetails.parse(await res.json()).detail).toBe('You are not in room gateway-ai')
    }
  })

  it('routes nothing else of the ai Worker', async () => {
    const cookie = await sessionCookie('Grace')
    expect((await post('/api/rooms/gateway-ai/ai/anything', {}, { cookie })).status).toBe(404)
  })
})
