import { DirectoryUser } from '@tangerine/contracts'
import { log } from '@tangerine/contracts/log'

const CACHE_SECONDS = 60

/**
 * Looks a person up in the user directory, through the Cache API for a minute. Returns undefined
 * (and logs why) when the directory is not configured, does not know them, is down or too slow:
 * a directory outage must not keep people out of their meetings.
 */
export async function lookUpUser(email: string, env: GatewayEnv): Promise<DirectoryUser | undefined> {
  if (!env.USER_DIRECTORY_URL) return undefined
  const url = `${env.USER_DIRECTORY_URL.replace(/\/$/, '')}/users/${encodeURIComponent(email)}`
  const cacheKey = new Request(url)
  const cache = await caches.open('user-directory')
  const cached = await cache.match(cacheKey)
  if (cached) return DirectoryUser.parse(await cached.json())
  const timeoutMs = Number(env.USER_DIRECTORY_TIMEOUT_MS) || 1500
  try {
    const res = await fetch(url, {
      headers: env.USER_DIRECTORY_TOKEN ? { authorization: `Bearer ${env.USER_DIRECTORY_TOKEN}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (res.status === 404) return undefined
    if (!res.ok) throw new Error(`answered ${res.status}`)
    const user = DirectoryUser.parse(await res.json())
    await cache.put(cacheKey, Response.json(user, { headers: { 'cache-control': `max-age=${CACHE_SECONDS}` } }))
    return user
  } catch (err) {
    const reason =
      err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String(err)
    log('warn', 'user directory lookup failed', { reason })
    return undefined
  }
}
