import { request } from 'node:http'
import { connect } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSfu } from '../src/server.ts'
import { APP_ID, APP_SECRET, sessionIds, startTestSfu, loopbackTurn } from './helpers/sfu.ts'

/*
 * The HTTP control plane's edges, byte for byte: which check answers first on each path, what
 * every method gets, trailing slashes, HEAD, chunked bodies over the limit and the headers on
 * every answer. Calls clients (partytracks, Orange Meets) depend on these, not only on the happy
 * paths the other files walk.
 */

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/** node:http rather than fetch: HEAD, chunked uploads and the raw headers are visible. */
function send(
  sfu: RunningSfu,
  method: string,
  path: string,
  init: { secret?: string | null; headers?: Record<string, string>; body?: string; chunks?: string[] } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers }
  const secret = init.secret === undefined ? APP_SECRET : init.secret
  if (secret !== null) headers.authorization = `Bearer ${secret}`
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body))
  return new Promise((resolve, reject) => {
    const req = request(`${sfu.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      )
      res.on('error', reject)
    })
    // A request refused before its body is read may see the socket closed under the upload.
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'EPIPE' ? undefined : reject(err)))
    for (const chunk of init.chunks ?? []) req.write(chunk)
    req.end(init.body)
  })
}

const calls = (answer: Answer) => ({ status: answer.status, body: JSON.parse(answer.text) as unknown })
const callsError = (status: number, errorCode: string) => ({
  status,
  body: { errorCode, errorDescription: expect.any(String) },
})
const envelopeError = (status: number, code: number) => ({
  status,
  body: { success: false, errors: [{ code, message: expect.any(String) }], messages: [], result: null },
})

const session = `/v1/apps/${APP_ID}/sessions`
const keys = `/client/v4/accounts/${APP_ID}/calls/turn_keys`

describe('the Calls API', () => {
  let sfu: RunningSfu
  beforeAll(async () => {
    sfu = await startTestSfu({ maxBodyBytes: 1024 })
  })
  afterAll(() => sfu.close())

  it('puts the CORS headers and Vary on every answer, errors included', async () => {
    const origin = { origin: 'https://app.example', 'access-control-request-headers': 'x-one, x-two' }
    for (const [method, path, status] of [
      ['GET', '/healthz', 200],
      ['GET', '/nowhere', 404],
      ['POST', `${session}/new`, 201],
      ['POST', `/v1/apps/nobody/sessions/new`, 404],
    ] as const) {
      const answer = await send(sfu, method, path, { headers: origin })
      expect(answer.status).toBe(status)
      expect(answer.headers).toMatchObject({
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(answer.text)),
        vary: 'Origin',
        'access-control-allow-origin': 'https://app.example',
        'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
        'access-control-allow-headers': 'x-one, x-two',
        'access-control-max-age': '600',
      })
    }
    const bare = await send(sfu, 'GET', '/healthz', { secret: null })
    expect(bare.headers['access-control-allow-origin']).toBe('*')
    expect(bare.headers['access-control-allow-headers']).toBe('Authorization, Content-Type')
  })

  it('answers an HTTP/1.0 request that names no Host', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(sfu.port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.0\r\n\r\n'))
      let text = ''
      socket.on('data', (chunk) => (text += String(chunk)))
      socket.on('close', () => resolve(text))
      socket.on('error', reject)
    })
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(answer).toMatch(/\r\n\r\n\{"status":"ok","sessions":\d+\}$/)
  })

  it('answers any preflight 200 {} without a secret, on any path', async () => {
    for (const path of [`${session}/new`, '/nowhere', keys]) {
      const answer = await send(sfu, 'OPTIONS', path, { secret: null })
      expect(calls(answer)).toEqual({ status: 200, body: {} })
    }
  })

  it('serves /healthz and /stats at the root only, GET only, no trailing slash', async () => {
    expect(calls(await send(sfu, 'GET', '/healthz', { secret: null }))).toEqual({
      status: 200,
      body: { status: 'ok', sessions: expect.any(Number) },
    })
    expect(calls(await send(sfu, 'GET', '/stats', { secret: null }))).toMatchObject({
      status: 200,
      body: { sessions: expect.any(Number), forwarding: expect.any(Object) },
    })
    for (const [method, path] of [
      ['GET', '/healthz/'],
      ['GET', '/v1/healthz'],
      ['POST', '/healthz'],
      ['POST', '/stats'],
      ['GET', '/stats/'],
    ]) {
      expect(calls(await send(sfu, method!, path!, { secret: null }))).toEqual(callsError(404, 'not_found'))
    }
    const head = await send(sfu, 'HEAD', '/healthz', { secret: null })
    expect({ status: head.status, text: head.text }).toEqual({ status: 404, text: '' })
  })

  it('checks the app and its secret before the route on session paths, and only there', async () => {
    const someSession = `${session}/0123456789abcdef0123456789abcdef`
    // A method no route takes, on a session path: the caller is checked first, then told there is no route.
    expect(calls(await send(sfu, 'DELETE', someSession, { secret: 'nope' }))).toEqual(callsError(401, 'unauthorized'))
    expect(calls(await send(sfu, 'PATCH', `/v1/apps/nobody/sessions/x/tracks/new`))).toEqual(
      callsError(404, 'not_found'),
    )
    expect(calls(await send(sfu, 'DELETE', someSession))).toEqual(callsError(404, 'not_found'))
    expect(calls(await send(sfu, 'GET', `${someSession}/tracks/new`))).toEqual(callsError(404, 'not_found'))
    const head = await send(sfu, 'HEAD', someSession, { secret: 'nope' })
    expect({ status: head.status, text: head.text }).toEqual({ status: 401, text: '' })
    // sessions/new takes POST only.
    for (const method of ['GET', 'PUT']) {
      expect(calls(await send(sfu, method, `${session}/new`))).toEqual(callsError(405, 'invalid_params'))
    }
    // Paths that are no session route are not found, whoever asks.
    for (const path of [`${session}/x/bogus`, `${session}/x/tracks`, `/v2/apps/${APP_ID}/sessions/new`]) {
      expect(calls(await send(sfu, 'POST', path, { secret: 'nope' }))).toEqual(callsError(404, 'not_found'))
    }
  })

  it('takes the paths with or without /v1 and with one trailing slash', async () => {
    for (const path of [`${session}/new/`, `/apps/${APP_ID}/sessions/new/`]) {
      expect(calls(await send(sfu, 'POST', path)).status).toBe(201)
    }
    expect(calls(await send(sfu, 'POST', `${session}/new//`))).toEqual(callsError(404, 'not_found'))
    const { sessionId } = calls(await send(sfu, 'POST', `${session}/new`)).body as { sessionId: string }
    expect(calls(await send(sfu, 'GET', `/apps/${APP_ID}/sessions/${sessionId}/`))).toEqual({
      status: 200,
      body: { tracks: [], dataChannels: [] },
    })
  })

  it('names the route it did not find, percent-encoding kept and cut at 200 characters', async () => {
    const long = `/x%20y/${'z'.repeat(300)}`
    const answer = calls(await send(sfu, 'PUT', long))
    expect(answer.body).toEqual({
      errorCode: 'not_found',
      errorDescription: `No route for PUT ${long.slice(0, 200)}`,
    })
  })

  it('refuses a body over the limit, declared or chunked, after the secret and before the session', async () => {
    const big = 'x'.repeat(1025)
    const unknown = `${session}/0123456789abcdef0123456789abcdef/tracks/new`
    expect(calls(await send(sfu, 'POST', unknown, { body: big }))).toEqual(callsError(413, 'payload_too_large'))
    expect(calls(await send(sfu, 'POST', unknown, { chunks: [big.slice(0, 600), big.slice(600)] }))).toEqual(
      callsError(413, 'payload_too_large'),
    )
    expect(calls(await send(sfu, 'DELETE', `${session}/x`, { body: big }))).toEqual(
      callsError(413, 'payload_too_large'),
    )
    expect(calls(await send(sfu, 'POST', unknown, { body: big, secret: 'nope' }))).toEqual(
      callsError(401, 'unauthorized'),
    )
    // Within the limit, chunked, the body reaches the parser, after the session lookup.
    expect(calls(await send(sfu, 'POST', unknown, { chunks: ['{', '}'] }))).toEqual(callsError(410, 'session_error'))
    const before = sessionIds(sfu)
    expect(calls(await send(sfu, 'POST', `${session}/new`, { chunks: ['{"sessionDescription":', '5}'] }))).toEqual(
      callsError(400, 'decoding_error'),
    )
    expect(sessionIds(sfu).filter((id) => !before.includes(id))).toEqual([])
  })

  it('answers the TURN paths 404 not_found when TURN is off, after the account checks', async () => {
    expect(calls(await send(sfu, 'GET', keys))).toEqual(envelopeError(404, 7003))
    expect(calls(await send(sfu, 'GET', keys, { secret: 'nope' }))).toEqual(envelopeError(401, 10000))
    expect(calls(await send(sfu, 'GET', '/client/v4/accounts/nobody/calls/turn_keys'))).toEqual(
      envelopeError(404, 7003),
    )
    for (const path of ['/v1/turn/keys/k/credentials/generate', '/turn/keys/k/credentials/u/revoke']) {
      expect(calls(await send(sfu, 'GET', path))).toEqual(callsError(404, 'not_found'))
    }
  })
})

describe('the TURN API', () => {
  let sfu: RunningSfu
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sfu-http-test-'))
    sfu = await startTestSfu({
      maxBodyBytes: 1024,
      turn: loopbackTurn([49900, 49949], join(dir, 'turndb.sqlite')),
    })
  })
  afterAll(async () => {
    await sfu.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers key methods it does not take 405 in the envelope, after the token', async () => {
    for (const [method, path] of [
      ['PATCH', keys],
      ['DELETE', keys],
      ['PUT', `${keys}/`],
      ['POST', `${keys}/some-key`],
      ['PATCH', `${keys}/some-key/`],
    ]) {
      expect(calls(await send(sfu, method!, path!))).toEqual(envelopeError(405, 10405))
    }
    expect(calls(await send(sfu, 'PATCH', keys, { secret: 'nope' }))).toEqual(envelopeError(401, 10000))
    const head = await send(sfu, 'HEAD', keys)
    expect({ status: head.status, text: head.text }).toEqual({ status: 405, text: '' })
    expect(calls(await send(sfu, 'GET', `${keys}/some-key/extra`))).toEqual(callsError(404, 'not_found'))
  })

  it('refuses a key body over the limit in the Calls shape, and a bad one in the envelope', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1100) })
    expect(calls(await send(sfu, 'POST', keys, { body: big }))).toEqual(callsError(413, 'payload_too_large'))
    expect(calls(await send(sfu, 'POST', keys, { chunks: [big.slice(0, 700), big.slice(700)] }))).toEqual(
      callsError(413, 'payload_too_large'),
    )
    expect(calls(await send(sfu, 'POST', keys, { body: '{nope' }))).toEqual(envelopeError(400, 7001))
    // DELETE reads no body, so none is too large.
    expect(calls(await send(sfu, 'DELETE', `${keys}/missing`, { body: 'x'.repeat(2048) }))).toEqual(
      envelopeError(404, 7003),
    )
    const created = calls(await send(sfu, 'POST', `${keys}/`, { body: '' }))
    expect(created).toMatchObject({ status: 201, body: { success: true, result: { uid: expect.any(String) } } })
  })

  it('takes credentials by POST only, the key checked before the body', async () => {
    const { result } = calls(await send(sfu, 'POST', keys, { body: '{"name":"c"}' })).body as {
      result: { uid: string; key: string }
    }
    const base = `/turn/keys/${result.uid}/credentials`
    for (const method of ['GET', 'PUT', 'DELETE']) {
      expect(calls(await send(sfu, method, `/v1${base}/generate-ice-servers`))).toEqual(callsError(404, 'not_found'))
    }
    expect(calls(await send(sfu, 'POST', `${base}/generate`, { body: 'x'.repeat(2048) }))).toEqual(
      callsError(401, 'unauthorized'),
    )
    expect(calls(await send(sfu, 'POST', `${base}/generate`, { secret: result.key, body: 'x'.repeat(2048) }))).toEqual(
      callsError(413, 'payload_too_large'),
    )
    const one = calls(await send(sfu, 'POST', `${base}/generate/`, { secret: result.key, body: '{"ttl":60}' }))
    expect(one).toMatchObject({ status: 201, body: { iceServers: { username: expect.any(String) } } })
    const revoked = await send(sfu, 'POST', `/v1${base}/generate/revoke`, { secret: result.key })
    expect({ status: revoked.status, text: revoked.text, type: revoked.headers['content-type'] }).toEqual({
      status: 204,
      text: '',
      type: undefined,
    })
    expect(revoked.headers.vary).toBe('Origin')
    expect(calls(await send(sfu, 'POST', `${base}/bad%20name/revoke`, { secret: result.key }))).toEqual(
      callsError(400, 'invalid_params'),
    )
  })
})
