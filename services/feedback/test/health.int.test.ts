import { ServiceHealth } from '@tangerine/contracts/health'
import { ProblemDetails } from '@tangerine/contracts/errors'
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'

describe('feedback health', () => {
  it('reports itself up', async () => {
    const res = await exports.default.fetch(new Request('http://feedback.internal/health'))
    expect(res.status).toBe(200)
    expect(ServiceHealth.parse(await res.json())).toMatchObject({
      service: 'feedback',
      status: 'ok',
      checks: { delivery: { status: 'ok', detail: 'posting cards to FEEDBACK_URL' } },
    })
  })

  it('answers an unknown route with a JSON 404', async () => {
    const res = await exports.default.fetch(new Request('http://feedback.internal/nope', { method: 'POST' }))
    expect(res.status).toBe(404)
    expect(ProblemDetails.parse(await res.json()).detail).toBe('No route for POST /nope')
  })
})
