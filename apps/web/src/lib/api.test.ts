import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callApi } from './api.ts'

/*
 * The client against a real HTTP server on loopback: what goes on the wire for a route of the
 * contracts' table, and how each kind of answer reads.
 */
interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}
let seen: Seen | undefined
let answer: { status: number; body?: unknown; type?: string } = { status: 204 }
let base = ''
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = ''
  req.on('data', (chunk: Buffer) => (body += chunk))
  req.on('end', () => {
    seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }
    const text =
      answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)
    res.writeHead(answer.status, text ? { 'content-type': answer.type ?? 'application/json' } : {})
    res.end(answer.status === 204 ? undefined : text)
  })
})
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const quality = { meetingId: 'm-1', userId: 'abcdef0123456789-tab', rating: 4 }
const health = { status: 'degraded', services: [], time: '2026-12-02T05:00:00.000Z' }
const refusal = {
  type: 'https://tangerine.dev/problems/unauthorized',
  title: 'Not in this room',
  status: 403,
  detail: 'No',
}

describe('callApi', () => {
  it('posts the JSON body to the route path, its params encoded', async () => {
    answer = { status: 204 }
    const res = await callApi('callQuality', { params: { name: 'a b' }, body: quality }, { base })
    expect(res).toEqual({ ok: true, status: 204, data: undefined })
    expect(seen).toMatchObject({ method: 'POST', url: '/api/rooms/a%20b/quality', body: JSON.stringify(quality) })
    expect(seen?.headers['content-type']).toBe('application/json')
  })

  it('sends a GET with the given headers and no body', async () => {
    answer = { status: 200, body: { identity: null } }
    const res = await callApi('getSession', {}, { base, headers: { cookie: 'tangerine_session=x' } })
    expect(res).toEqual({ ok: true, status: 200, data: { identity: null } })
    expect(seen).toMatchObject({ method: 'GET', url: '/api/session', body: '' })
    expect(seen?.headers.cookie).toBe('tangerine_session=x')
    expect(seen?.headers['content-type']).toBeUndefined()
  })

  it('reads every status the route answers with as an answer (health is a report at 503 too)', async () => {
    answer = { status: 503, body: health }
    expect(await callApi('health', {}, { base })).toEqual({ ok: true, status: 503, data: health })
  })

  it('reads a refusal as its Problem Details', async () => {
    answer = { status: 403, body: refusal, type: 'application/problem+json' }
    const res = await callApi('dismissAi', { params: { name: 'r' }, body: { user: 'abcdef0123456789' } }, { base })
    expect(res).toEqual({ ok: false, status: 403, problem: refusal })
  })

  it('does not take an answer that breaks the contract, nor a page that is not JSON', async () => {
    answer = { status: 202, body: { id: 'not-a-uuid' } }
    const res = await callApi('feedback', { body: { description: 'It broke' } }, { base })
    expect(res).toEqual({ ok: false, status: 202, problem: undefined })
    answer = { status: 502, body: '<html>Bad gateway</html>', type: 'text/html' }
    expect(await callApi('feedback', { body: { description: 'It broke' } }, { base })).toEqual({
      ok: false,
      status: 502,
      problem: undefined,
    })
  })

  it('throws when nothing answers', async () => {
    await expect(callApi('health', {}, { base: 'http://127.0.0.1:1' })).rejects.toThrow()
  })
})
