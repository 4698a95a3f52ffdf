import { createExecutionContext } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import worker from '../src/index.ts'
import { MAX_API_BODY_BYTES, MAX_CALLS_BODY_BYTES } from '../src/middleware/security.ts'
import { accessToken } from './support/access.ts'
import { OPERATOR_EMAIL, OPERATOR_TOKEN } from './support/operators.ts'
import { signIn } from './support/session.ts'

const base = 'http://localhost'
const fetchGateway = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`${base}${path}`, init))

/**
 * The gateway with one of its limiters swapped for a real one of the same kind with a limit of
 * SMALL_LIMIT a minute (vitest.config.ts), so a flood is a dozen requests, not hundreds that a
 * loaded machine cannot send within one window.
 */
const SMALL_LIMIT = 5
const withLimiter =
  (limiters: Partial<Pick<GatewayEnv, 'API_RATE_LIMITER' | 'ADDRESS_RATE_LIMITER' | 'OPS_RATE_LIMITER'>>) =>
  (path: string, init?: RequestInit) =>
    worker.fetch(new Request(`${base}${path}`, init), { ...env, ...limiters }, createExecutionContext())

/**
 * Sends until the first 429. Windows are aligned to the wall clock: a burst this short (well under
 * the 60 s period) straddles at most one boundary, so the limit is reached within twice its count
 * wherever the run falls, having let at least the limit through.
 */
async function untilLimited(send: () => Response | Promise<Response>) {
  for (let passed = 0; passed <= 2 * SMALL_LIMIT; passed++) {
    const res = await send()
    if (res.status === 429) return { passed, limited: res }
  }
  throw new Error(`No 429 after ${2 * SMALL_LIMIT + 1} requests`)
}

describe('security basics', () => {
  it('refuses cross-origin writes and sockets, but not same-origin ones', async () => {
    const body = JSON.stringify({ name: 'Eve' })
    const foreign = await fetchGateway('/api/session', {
      method: 'POST',
      body,
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
    })
    expect(foreign.status).toBe(403)
    expect(foreign.headers.get('set-cookie')).toBeNull()
    const own = await fetchGateway('/api/session', {
      method: 'POST',
      body,
      headers: { origin: base, 'content-type': 'application/json' },
    })
    expect(own.status).toBe(200)
    const socket = await fetchGateway('/api/rooms/some-room/ws', {
      headers: { upgrade: 'websocket', origin: 'https://evil.example' },
    })
    expect(socket.status).toBe(403)
  })

  it('gives foreign origins no CORS grant', async () => {
    const preflight = await fetchGateway('/api/session', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('gives the origins in ALLOWED_ORIGINS a CORS grant, writes and sockets, and no one else', async () => {
    const allowing = { ...env, ALLOWED_ORIGINS: ' https://app.example , https://other.example' } as GatewayEnv
    const ask = (path: string, init: RequestInit) =>
      worker.fetch(new Request(`${base}${path}`, init), allowing, createExecutionContext())
    for (const origin of ['https://app.example', 'https://other.example']) {
      const preflight = await ask('/api/session', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      })
      expect(preflight.headers.get('access-control-allow-origin'), origin).toBe(origin)
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true')
      const write = await ask('/api/session', {
        method: 'POST',
        body: JSON.stringify({ name: 'Ada' }),
        headers: { origin, 'content-type': 'application/json' },
      })
      expect(write.status, origin).toBe(200)
      expect(write.headers.get('access-control-allow-origin')).toBe(origin)
    }
    const { cookie, id } = await signIn('Ada')
    const socket = await ask(`/api/rooms/allowed-origin-room/ws?_pk=${id}`, {
      headers: { upgrade: 'websocket', origin: 'https://app.example', cookie },
    })
    expect(socket.status).toBe(101)
    socket.webSocket!.accept()
    socket.webSocket!.close()
    // A look-alike of a listed origin is still foreign.
    for (const origin of ['https://app.example.evil', 'http://app.example', 'https://evil.example']) {
      const preflight = await ask('/api/session', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      })
      expect(preflight.headers.get('access-control-allow-origin'), origin).toBeNull()
      const write = await ask('/api/session', {
        method: 'POST',
        body: JSON.stringify({ name: 'Eve' }),
        headers: { origin, 'content-type': 'application/json' },
      })
      expect(write.status, origin).toBe(403)
    }
  })

  it('refuses an oversized body with a 413 problem', async () => {
    const res = await fetchGateway('/api/session', {
      method: 'POST',
      body: JSON.stringify({ name: 'x'.repeat(MAX_API_BODY_BYTES) }),
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ status: 413, title: 'Payload too large' })
  })

  it('passes a Calls proxy body past the API limit (a whole SDP) on to the media Worker, up to its own limit', async () => {
    const { cookie } = await signIn('Ada')
    // What partytracks sends to close one pull in a sixteen-person meeting: the session's whole SDP.
    const closing = (sdpBytes: number) =>
      fetchGateway('/api/partytracks/sessions/abc/tracks/close?room=no-such-room&user=abcdefgh12', {
        method: 'PUT',
        body: JSON.stringify({
          tracks: [{ mid: '3' }],
          sessionDescription: { type: 'offer', sdp: 'a'.repeat(sdpBytes) },
          force: false,
        }),
        headers: { cookie, origin: base },
      })
    const big = await closing(2 * MAX_API_BODY_BYTES)
    // The media Worker answered (the caller is in no room), not the gateway's body limit.
    expect(big.status).toBe(403)
    expect(await big.json()).toMatchObject({ errorCode: 'unauthorized' })
    const tooBig = await closing(MAX_CALLS_BODY_BYTES)
    expect(tooBig.status).toBe(413)
    expect(await tooBig.json()).toMatchObject({
      status: 413,
      detail: `Request bodies are at most ${MAX_CALLS_BODY_BYTES} bytes`,
    })
  })

  it('sets security headers on pages and API answers', async () => {
    for (const path of ['/', '/api/health']) {
      const res = await fetchGateway(path)
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff')
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN')
      expect(res.headers.get('permissions-policy'), path).toContain('camera=(self)')
    }
  })

  it('rate-limits one caller without touching another', async () => {
    const gateway = withLimiter({ API_RATE_LIMITER: env.SMALL_API_RATE_LIMITER })
    const hammer = { 'cf-connecting-ip': '203.0.113.7' }
    const { passed, limited } = await untilLimited(() => gateway('/api/session', { headers: hammer }))
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('60')
    expect(passed).toBeGreaterThanOrEqual(SMALL_LIMIT)
    expect((await gateway('/api/session', { headers: { 'cf-connecting-ip': '198.51.100.9' } })).status).toBe(200)
  })

  it('counts making new sessions (no key yet) against the address', async () => {
    const gateway = withLimiter({ API_RATE_LIMITER: env.SMALL_API_RATE_LIMITER })
    const { passed, limited } = await untilLimited(() =>
      gateway('/api/session', {
        method: 'POST',
        headers: { 'cf-connecting-ip': '203.0.113.8', origin: base, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Someone ${crypto.randomUUID()}` }),
      }),
    )
    expect(limited.status).toBe(429)
    expect(passed).toBeGreaterThanOrEqual(SMALL_LIMIT)
    expect(limited.headers.get('set-cookie')).toBeNull()
  })

  it('limits operators per operator, apart from the people behind their address', async () => {
    const gateway = withLimiter({
      API_RATE_LIMITER: env.SMALL_API_RATE_LIMITER,
      OPS_RATE_LIMITER: env.SMALL_OPS_RATE_LIMITER,
    })
    const office = '203.0.113.30'
    const operator = { 'cf-connecting-ip': office, authorization: `Bearer ${OPERATOR_TOKEN}` }
    // People at the operator's address use up its allowance; the dashboard goes on.
    const people = await untilLimited(() => gateway('/api/session', { headers: { 'cf-connecting-ip': office } }))
    expect(people.limited.status).toBe(429)
    expect((await gateway('/api/ops/rooms', { headers: operator })).status).toBe(200)
    // The dashboard has its own limit, per operator; the people's answers do not change with it.
    const dashboard = await untilLimited(() => gateway('/api/ops/rooms', { headers: operator }))
    expect(dashboard.limited.status).toBe(429)
    expect(dashboard.passed).toBeGreaterThanOrEqual(SMALL_LIMIT - 1)
    // Another operator is not limited by this one.
    const byAccess = {
      'cf-connecting-ip': office,
      'cf-access-jwt-assertion': await accessToken(env.TEST_PRIVATE_JWK, { email: OPERATOR_EMAIL }),
    }
    expect((await gateway('/api/ops/rooms', { headers: byAccess })).status).toBe(200)
  })

  it('limits an address flooding bad credentials, before they are checked', async () => {
    // Each refusal is logged: the log is what proves the credential was checked until the limit.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const gateway = withLimiter({ ADDRESS_RATE_LIMITER: env.SMALL_ADDRESS_RATE_LIMITER })
    const flood = { 'cf-connecting-ip': '203.0.113.99', 'cf-access-jwt-assertion': 'not.a.jwt' }
    const { passed, limited } = await untilLimited(() => gateway('/api/session', { headers: flood }))
    expect(limited.status).toBe(429)
    expect(passed).toBeGreaterThanOrEqual(SMALL_LIMIT)
    expect(warn.mock.calls.flat().join(' ')).toContain('credential refused')
    expect((await gateway('/api/session', { headers: { 'cf-connecting-ip': '198.51.100.10' } })).status).toBe(200)
    warn.mockRestore()
  })
})
