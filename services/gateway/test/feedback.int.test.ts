import { encodeIdentity, IDENTITY_HEADER } from '@tangerine/contracts'
import { DeadLetterList, FeedbackAccepted, StoredDebugInfo } from '@tangerine/contracts/feedback'
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { OPERATOR_TOKEN } from './support/operators.ts'
import { base, sessionCookie } from './support/session.ts'

const report = (body: unknown, headers: Record<string, string> = {}) =>
  exports.default.fetch(
    new Request(`${base}/api/feedback`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    }),
  )

describe('feedback through the gateway', () => {
  it('passes a report to the feedback Worker with the caller the gateway knows, not one the client claims', async () => {
    const cookie = await sessionCookie('Katherine')
    const forged = encodeIdentity({ name: 'Mallory', email: 'mallory@example.com', source: 'access' })
    const res = await report(
      { description: 'No audio', room: 'gateway-feedback', debugInfo: { room: 'gateway-feedback' } },
      { cookie, [IDENTITY_HEADER]: forged },
    )
    expect(res.status).toBe(202)
    const accepted = FeedbackAccepted.parse(await res.json())
    // Links point at the gateway, which serves the debug info under /api.
    expect(accepted.debugInfoUrl).toBe(`${base}/api/feedback/debug-info/${accepted.id}`)
    const stored = await exports.default.fetch(new Request(accepted.debugInfoUrl!))
    expect(stored.status).toBe(200)
    expect(StoredDebugInfo.parse(await stored.json()).reporter).toEqual({ name: 'Katherine', source: 'session' })
  })

  it('answers a bad report with the feedback Worker’s 400', async () => {
    const res = await report({ description: '' })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toContain('application/json')
  })

  it('refuses a cross-site report', async () => {
    expect((await report({ description: 'hi' }, { origin: 'https://evil.example' })).status).toBe(403)
  })

  it('exposes the dead letters to operators only, under /api/ops', async () => {
    const at = (path: string, headers: Record<string, string> = {}) =>
      exports.default.fetch(new Request(`${base}${path}`, { headers }))
    expect((await at('/api/ops/feedback/dead-letters')).status).toBe(403)
    expect((await at('/api/feedback/dead-letters', { authorization: `Bearer ${OPERATOR_TOKEN}` })).status).toBe(404)
    const res = await at('/api/ops/feedback/dead-letters', { authorization: `Bearer ${OPERATOR_TOKEN}` })
    expect(res.status).toBe(200)
    expect(DeadLetterList.parse(await res.json())).toEqual({ deadLetters: [] })
  })
})
