import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { isAdmin, requireAdmin } from '../src/admin.ts'

type Env = { Bindings: { ADMIN_TOKEN?: string } }

const app = new Hono<Env>()
  .get('/is-admin', async (c) => c.json({ admin: await isAdmin(c) }))
  .use('/ops/*', requireAdmin<Env>('test-admin'))
  .get('/ops/thing', (c) => c.text('done'))

const TOKEN = 'a-long-enough-admin-token-for-tests'
const ask = (path: string, authorization: string | undefined, token: string | undefined) =>
  app.request(path, { headers: authorization === undefined ? {} : { authorization } }, { ADMIN_TOKEN: token })

describe('the admin token', () => {
  it('lets in the right token, whatever the scheme’s case', async () => {
    expect(await (await ask('/is-admin', `Bearer ${TOKEN}`, TOKEN)).json()).toEqual({ admin: true })
    expect(await (await ask('/is-admin', `bearer ${TOKEN}`, TOKEN)).json()).toEqual({ admin: true })
    const res = await ask('/ops/thing', `Bearer ${TOKEN}`, TOKEN)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('done')
  })

  it('refuses a wrong token, one of another length, a missing header and any token when none is set', async () => {
    const wrong = TOKEN.slice(0, -1) + (TOKEN.endsWith('s') ? 't' : 's')
    for (const [authorization, token] of [
      [`Bearer ${wrong}`, TOKEN],
      [`Bearer ${TOKEN}x`, TOKEN],
      [`Bearer ${TOKEN.slice(0, 8)}`, TOKEN],
      [TOKEN, TOKEN],
      [undefined, TOKEN],
      ['Bearer ', ''],
      [`Bearer ${TOKEN}`, undefined],
    ] as const) {
      expect(await (await ask('/is-admin', authorization, token)).json()).toEqual({ admin: false })
      const res = await ask('/ops/thing', authorization, token)
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="test-admin"')
      expect(await res.json()).toMatchObject({
        status: 401,
        title: 'Admin token required',
        detail: token ? 'Send Authorization: Bearer <ADMIN_TOKEN>' : 'ADMIN_TOKEN is not configured',
      })
    }
  })
})
