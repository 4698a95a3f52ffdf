import { ProblemDetails } from '@tangerine/contracts'
import { publicApi, publicPaths, routePath } from '@tangerine/contracts/public-api'
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { base, signIn } from './support/session.ts'

/*
 * The web app calls the API only through the contracts' public API table (and the two paths its
 * libraries call), so every route there must be one the gateway serves or passes on: never its
 * own "No route" 404. Bodies are empty, so the Workers behind refuse them, after routing.
 */
const routes = [
  ...Object.entries(publicApi).map(([name, { method, path }]) => ({ name, method, path })),
  { name: 'roomSocket', method: 'GET', path: publicPaths.roomSocket },
  { name: 'partytracks', method: 'POST', path: `${publicPaths.partytracks}/sessions/new` },
]

// The first call starts every Worker behind the gateway.
describe('the public API table', { timeout: 30_000 }, () => {
  it.each(routes)('$name ($method $path) reaches the API', async ({ method, path }) => {
    const { cookie } = await signIn('Ada')
    const url = routePath<string>(path, { name: 'public-api-room' })
    const res = await exports.default.fetch(
      new Request(`${base}${url}?room=public-api-room`, {
        method,
        headers: { cookie, 'content-type': 'application/json', origin: base },
        body: method === 'POST' ? '{}' : undefined,
      }),
    )
    const problem = ProblemDetails.safeParse(await res.json().catch(() => undefined))
    expect(`${res.status} ${problem.data?.detail}`).not.toBe(`404 No route for ${method} ${url}`)
  })
})
