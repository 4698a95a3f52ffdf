import { AccessIdentity, DirectoryUser } from '@tangerine/contracts'
import { log } from '@tangerine/contracts/log'
import * as z from 'zod'
import type { AccessConfig } from './access-config.ts'

/*
 * Who a signed-in person is (their name, avatar, profile), from one of two directories:
 * - USER_DIRECTORY_URL, the adapter hook: `GET {url}/users/{email}` → `{name, avatarUrl?, profileUrl?}`
 *   (Bearer USER_DIRECTORY_TOKEN if set), cached a minute per email;
 * - without it, Access's own get-identity endpoint, asked with the person's verified token as
 *   the `CF_Authorization` cookie, as Cloudflare's Access plugin for Pages asks it
 *   (https://developers.cloudflare.com/pages/functions/plugins/cloudflare-access/, `getIdentity`),
 *   and cached per the token's `identity_nonce`, which changes only when they sign in again
 *   (https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/application-token/:
 *   "identity_nonce: a cache key used to get the user's identity").
 * A directory that fails, is slow or knows nothing gives undefined (logged): a directory outage
 * must not keep people out of their meetings.
 */

const ADAPTER_CACHE_SECONDS = 60
const ACCESS_CACHE_SECONDS = 600

/** What a cache entry holds: the person, or null for "the directory does not know them". */
const CachedEntry = z.object({ user: DirectoryUser.nullable() })

/** The Access token a person came with, for the built-in directory. */
export interface AccessCredential {
  config: AccessConfig
  token: string
  nonce?: string
}

class DirectoryFailure extends Error {}

const timeoutOf = (env: GatewayEnv) => Number(env.USER_DIRECTORY_TIMEOUT_MS) || 1500

/**
 * USER_DIRECTORY_TOKEN, if set. Optional, so it is not in wrangler.jsonc's `secrets.required`
 * (deploy refuses a Worker lacking one listed there) and so not in the generated env type.
 */
const directoryToken = (env: GatewayEnv): string | undefined =>
  (env as Partial<Record<'USER_DIRECTORY_TOKEN', string>>).USER_DIRECTORY_TOKEN || undefined

/** `key`'s entry if it is readable, else `ask()`'s answer, kept for `seconds`. Every failure is logged, none thrown. */
async function cachedOrAsk(
  key: string,
  seconds: number,
  env: GatewayEnv,
  ask: (signal: AbortSignal) => Promise<DirectoryUser | null>,
): Promise<DirectoryUser | undefined> {
  try {
    const cache = await caches.open('user-directory')
    const request = new Request(key)
    const hit = await cache.match(request)
    if (hit) {
      const entry = CachedEntry.safeParse(await hit.json().catch(() => undefined))
      if (entry.success) return entry.data.user ?? undefined
      log('warn', 'user directory cache entry unreadable: asking again', {})
      await cache.delete(request)
    }
    const user = await ask(AbortSignal.timeout(timeoutOf(env)))
    const body = { user } satisfies z.infer<typeof CachedEntry>
    await cache.put(request, Response.json(body, { headers: { 'cache-control': `max-age=${seconds}` } }))
    return user ?? undefined
  } catch (err) {
    const reason =
      err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${timeoutOf(env)} ms` : String(err)
    log('warn', 'user directory lookup failed', { reason })
    return undefined
  }
}

/** The adapter's answer for `email`: 404 is nobody, anything else but 200 a failure. */
async function fromAdapter(base: string, email: string, env: GatewayEnv) {
  const url = `${base.replace(/\/$/, '')}/users/${encodeURIComponent(email)}`
  return cachedOrAsk(url, ADAPTER_CACHE_SECONDS, env, async (signal) => {
    const res = await fetch(url, {
      headers: directoryToken(env) ? { authorization: `Bearer ${directoryToken(env)}` } : {},
      signal,
    })
    if (res.status === 404) return null
    if (!res.ok) throw new DirectoryFailure(`answered ${res.status}`)
    return DirectoryUser.parse(await res.json())
  })
}

/** Access's identity for this token: its identity provider's name for the person, if it gave one. */
async function fromAccess(email: string, access: AccessCredential, env: GatewayEnv) {
  if (!access.nonce) return undefined
  const key = `${access.config.identityUrl}?identity_nonce=${encodeURIComponent(access.nonce)}`
  return cachedOrAsk(key, ACCESS_CACHE_SECONDS, env, async (signal) => {
    const res = await fetch(access.config.identityUrl, {
      headers: { cookie: `CF_Authorization=${access.token}` },
      signal,
    })
    if (!res.ok) throw new DirectoryFailure(`Access get-identity answered ${res.status}`)
    const identity = AccessIdentity.parse(await res.json())
    if (identity.email.toLowerCase() !== email.toLowerCase())
      throw new DirectoryFailure('Access get-identity answered for another person')
    const user = DirectoryUser.safeParse({ name: identity.name })
    return user.success ? user.data : null
  })
}

/** The person behind `email`, from the configured directory; undefined when none knows them. */
export async function lookUpUser(
  email: string,
  env: GatewayEnv,
  access?: AccessCredential,
): Promise<DirectoryUser | undefined> {
  if (env.USER_DIRECTORY_URL) return fromAdapter(env.USER_DIRECTORY_URL, email, env)
  if (access) return fromAccess(email, access, env)
  return undefined
}
