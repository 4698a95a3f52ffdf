import { ServerMessage, type Identity } from '@tangerine/contracts'
import { createExecutionContext } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import worker from '../src/index.ts'
import { accessToken } from './support/access.ts'
import { base } from './support/session.ts'

const whoAmI = async (headers: Record<string, string>) => {
  const res = await exports.default.fetch(new Request(`${base}/api/session`, { headers }))
  return ((await res.json()) as { identity: Identity | null }).identity
}
const postName = (name: string) =>
  exports.default.fetch(
    new Request(`${base}/api/session`, {
      method: 'POST',
      body: JSON.stringify({ name }),
      headers: { 'content-type': 'application/json' },
    }),
  )

describe('the lobby name', () => {
  it.each([
    ['a right-to-left override', 'Alice\u202E'],
    ['a zero-width space', 'Al\u200Bice'],
    ['a byte order mark', '\uFEFFAlice'],
    ['a newline', 'Alice\nAdmin'],
  ])('refuses %s with a 400 and no cookie', async (_label, name) => {
    const res = await postName(name)
    expect(res.status).toBe(400)
    expect(res.headers.get('set-cookie')).toBeNull()
    expect(JSON.stringify(await res.json())).toContain('control and invisible characters')
  })

  it('is normalized before it is signed', async () => {
    const res = await postName('  Jose\u0301   Lovelace ')
    expect(res.status).toBe(200)
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!
    expect((await whoAmI({ cookie }))?.name).toBe('José Lovelace')
  })
})

describe('names from Access and the directory', () => {
  it('drops hidden characters from a directory name', async () => {
    const jwt = await accessToken(env.TEST_PRIVATE_JWK, { email: 'mallory@example.com' })
    expect(await whoAmI({ 'cf-access-jwt-assertion': jwt })).toMatchObject({ name: 'Ada Lovelace', source: 'access' })
  })

  it('drops hidden characters from Access’s name, and falls back to the email when none is given', async () => {
    // Access's own directory (get-identity, no USER_DIRECTORY_URL): its identity provider's name
    // for Mallory has hidden characters, and Grace's gives none.
    const builtIn = { ...env, USER_DIRECTORY_URL: '' } as GatewayEnv
    const ask = async (email: string) => {
      const jwt = await accessToken(env.TEST_PRIVATE_JWK, { email })
      const req = new Request(`${base}/api/session`, { headers: { 'cf-access-jwt-assertion': jwt } })
      const res = await worker.fetch(req, builtIn, createExecutionContext())
      return ((await res.json()) as { identity: Identity | null }).identity?.name
    }
    expect(await ask('mallory@example.com')).toBe('Augusta King')
    expect(await ask('grace@example.com')).toBe('grace')
  })

  it('is verified in the room, and the room refuses to rename it', async () => {
    const jwt = await accessToken(env.TEST_PRIVATE_JWK)
    const key = (await whoAmI({ 'cf-access-jwt-assertion': jwt }))!.key!
    const res = await exports.default.fetch(
      new Request(`${base}/api/rooms/verified-room-${crypto.randomUUID().slice(0, 8)}/ws?_pk=${key}tab1`, {
        headers: { Upgrade: 'websocket', 'cf-access-jwt-assertion': jwt },
      }),
    )
    expect(res.status).toBe(101)
    const ws = res.webSocket!
    ws.accept()
    const messages: ServerMessage[] = []
    const arrived = (n: number) =>
      new Promise<void>((resolve) => {
        const look = () => messages.length >= n && resolve()
        ws.addEventListener('message', (e) => {
          messages.push(ServerMessage.parse(JSON.parse(e.data as string)))
          look()
        })
        look()
      })
    await arrived(1)
    const first = messages[0]!
    expect(first.type === 'roomState' && first.state.users[0]).toMatchObject({ name: 'Ada Lovelace', verified: true })
    ws.send(JSON.stringify({ type: 'userUpdate', user: { name: 'Someone Else' } }))
    await arrived(2)
    expect(messages[1]).toMatchObject({ type: 'error', code: 'name_locked' })
    ws.close()
  })
})
