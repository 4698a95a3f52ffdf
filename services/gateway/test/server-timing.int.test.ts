import { createExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import worker from '../src/index.ts'
import { base, sessionCookie } from './support/session.ts'

// The gateway's handler, imported here so that loading it is not part of the first test's time.
const ask = (req: Request) => worker.fetch(req, env, createExecutionContext())

/**
 * The Server-Timing metrics of an answer, by name (W3C Server Timing: `name;dur=…;desc="…"`, metrics
 * comma-separated; a quoted description may hold commas).
 */
const metrics = (res: Response) =>
  new Map(
    (res.headers.get('server-timing') ?? '')
      .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry) => {
        const [name, ...params] = entry.split(';')
        const dur = params.find((p) => p.startsWith('dur='))
        return [name!, dur === undefined ? undefined : Number(dur.slice(4))] as const
      }),
  )

describe('Server-Timing', () => {
  it('times every API call in the gateway: `auth` and `total`, to this origin only', async () => {
    const res = await ask(new Request(`${base}/api/session`, { headers: { origin: 'https://evil.example' } }))
    const timed = metrics(res)
    for (const name of ['auth', 'total']) {
      expect(timed.has(name), `${name} in ${res.headers.get('server-timing')}`).toBe(true)
      expect(timed.get(name)).toBeGreaterThanOrEqual(0)
    }
    // crossOrigin: false — other origins' pages may not read the timings.
    expect(res.headers.get('timing-allow-origin')).toBeNull()
  })

  it('passes on the media Worker’s own metrics beside the gateway’s', async () => {
    const cookie = await sessionCookie('Grace')
    const res = await ask(
      new Request(`${base}/api/partytracks/sessions/new?room=timed-room&user=abcdefgh12`, {
        method: 'POST',
        headers: { cookie },
      }),
    )
    expect(res.status).toBe(403)
    const timed = metrics(res)
    expect([...timed.keys()]).toEqual(expect.arrayContaining(['checks', 'auth', 'total']))
  })
})
