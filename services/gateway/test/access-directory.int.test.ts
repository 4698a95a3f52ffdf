import type { Identity } from '@tangerine/contracts'
import { createExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { afterEach, describe, expect, inject, it, vi } from 'vitest'
import worker from '../src/index.ts'
import { accessToken } from './support/access.ts'

/*
 * The built-in user directory: without USER_DIRECTORY_URL, the gateway asks Access's own
 * get-identity endpoint who the person is, with their verified token as the `CF_Authorization`
 * cookie, and keeps the answer per the token's `identity_nonce`
 * (https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/application-token/).
 * A local server answers as get-identity does, with its documented fields
 * (test/support/identity-servers.ts); ACCESS_IDENTITY_URL points there.
 */

const builtIn = { ...env, USER_DIRECTORY_URL: '' } as GatewayEnv
async function whoAmI(jwt: string, vars: GatewayEnv = builtIn) {
  const req = new Request('http://localhost/api/session', { headers: { 'cf-access-jwt-assertion': jwt } })
  const res = await worker.fetch(req, vars, createExecutionContext())
  return { status: res.status, identity: ((await res.json()) as { identity: Identity | null }).identity }
}
/** How many times get-identity answered for each identity_nonce. */
async function answers(): Promise<Record<string, number>> {
  return (await (await fetch(`${inject('identityServers').identityUrl}?answers`)).json()) as Record<string, number>
}
const nonce = () => `n${crypto.randomUUID().replaceAll('-', '').slice(0, 15)}`

afterEach(() => vi.restoreAllMocks())

describe('Access’s get-identity as the directory', () => {
  it('names a person as their identity provider does, asking once per identity_nonce', async () => {
    const first = nonce()
    const jwt = await accessToken(env.TEST_PRIVATE_JWK, { identityNonce: first })
    for (let i = 0; i < 3; i++) {
      expect(await whoAmI(jwt)).toMatchObject({ status: 200, identity: { name: 'Augusta Ada King', source: 'access' } })
    }
    expect((await answers())[first]).toBe(1)
    // Signed in again: a new nonce, asked again.
    const second = nonce()
    await whoAmI(await accessToken(env.TEST_PRIVATE_JWK, { identityNonce: second }))
    expect((await answers())[second]).toBe(1)
  })

  it('falls back to the email’s name when the identity provider gives none, or get-identity fails (logged)', async () => {
    const grace = await whoAmI(await accessToken(env.TEST_PRIVATE_JWK, { email: 'grace@example.com' }))
    expect(grace.identity).toMatchObject({ name: 'grace', email: 'grace@example.com' })
    const warn = vi.spyOn(console, 'warn')
    const broken = await whoAmI(await accessToken(env.TEST_PRIVATE_JWK, { email: 'broken@example.com' }))
    expect(broken).toMatchObject({ status: 200, identity: { name: 'broken', email: 'broken@example.com' } })
    expect(warn.mock.calls.flat().join(' ')).toContain('Access get-identity answered 502')
  })

  it('is not asked where USER_DIRECTORY_URL is set: the adapter answers', async () => {
    const adapterNonce = nonce()
    const jwt = await accessToken(env.TEST_PRIVATE_JWK, { identityNonce: adapterNonce })
    expect((await whoAmI(jwt, env)).identity).toMatchObject({ name: 'Ada Lovelace' })
    expect((await answers())[adapterNonce]).toBeUndefined()
  })

  it('is not asked for a service token, which has no identity_nonce and is nobody', async () => {
    const before = await answers()
    const service = await whoAmI(await accessToken(env.TEST_PRIVATE_JWK, { service: true }))
    expect(service).toEqual({ status: 200, identity: null })
    expect(await answers()).toEqual(before)
  })
})
