import { ProblemDetails } from '@tangerine/contracts'
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { base, signIn } from './support/session.ts'

/*
 * The proxy table lists what browsers may reach of the Workers behind the gateway; the rest of
 * their routes (operator views of a room, the ai Worker's third-party sessions, other methods)
 * must stay out of reach even for someone signed in.
 */
describe('the proxy table', () => {
  it.each([
    ['GET', '/api/rooms/proxy-room'],
    ['GET', '/api/rooms/proxy-room/events'],
    ['GET', '/api/rooms/proxy-room/quarantine'],
    ['GET', '/api/rooms/proxy-room/quality'],
    ['GET', '/api/rooms/proxy-room/ai'],
    ['POST', '/api/rooms/proxy-room/ws'],
    ['POST', '/api/ice-servers'],
    ['POST', '/api/thirdparty/sessions/new'],
    ['GET', '/api/turn/keys'],
    ['GET', '/api/admin/turn/keys'],
  ])('does not pass %s %s to any Worker', async (method, path) => {
    const { cookie } = await signIn('Ada')
    const res = await exports.default.fetch(
      new Request(`${base}${path}?room=proxy-room`, {
        method,
        headers: { cookie, 'content-type': 'application/json', origin: base },
        body: method === 'POST' ? '{}' : undefined,
      }),
    )
    expect(res.status).toBe(404)
    const problem = ProblemDetails.parse(await res.json())
    expect(problem.detail).toBe(`No route for ${method} ${path}`)
  })
})
