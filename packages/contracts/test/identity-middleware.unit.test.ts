import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { encodeIdentity, IDENTITY_HEADER, type Identity } from '../src/identity.ts'
import { forwardedIdentity } from '../src/identity-middleware.ts'

const ada: Identity = { name: 'Ada', source: 'session', key: '0123456789abcdef' }

const app = new Hono()
  .get('/required', forwardedIdentity({ required: true, detail: 'Join through the lobby first' }), (c) =>
    c.json({ name: c.var.identity.name }),
  )
  .get('/optional', forwardedIdentity(), (c) => c.json({ name: c.var.identity?.name ?? null }))

const call = (path: string, header?: string) =>
  app.request(path, { headers: header === undefined ? {} : { [IDENTITY_HEADER]: header } })

describe('forwardedIdentity', () => {
  it('gives the handler the identity the gateway forwarded', async () => {
    expect(await (await call('/required', encodeIdentity(ada))).json()).toEqual({ name: 'Ada' })
    expect(await (await call('/optional', encodeIdentity(ada))).json()).toEqual({ name: 'Ada' })
  })

  it.each([undefined, '', 'not-base64!', btoa('{"name":"Ada"}')])(
    'refuses %j with 401 when required',
    async (header) => {
      const res = await call('/required', header)
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({
        type: 'https://tangerine.dev/problems/unauthorized',
        title: 'No identity',
        status: 401,
        detail: 'Join through the lobby first',
      })
    },
  )

  it('lets a caller without one through when not required', async () => {
    const res = await call('/optional', 'garbage')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ name: null })
  })
})
