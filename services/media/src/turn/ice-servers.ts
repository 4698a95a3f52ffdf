import type { BrowserIceServers } from '@tangerine/contracts/calls/turn'
import { generateIceServers, TurnApiError, unwrap } from './turn-api.ts'

/** The single TurnKeys object. */
export const turnKeys = (env: MediaEnv) => env.TURN_KEYS.getByName('turn')

export const credentialTtl = (env: MediaEnv) => Number(env.TURN_CREDENTIAL_TTL_SECONDS) || 86_400

/**
 * The browser's ICE servers: STUN plus TURN over udp and tcp with a fresh credential from the TURN
 * API, minted with the active key (made on first use). A key the TURN API no longer knows is
 * replaced once.
 */
export async function iceServers(env: MediaEnv): Promise<BrowserIceServers> {
  const ttl = credentialTtl(env)
  const keys = turnKeys(env)
  const key = unwrap(await keys.activeKey())
  try {
    return { ...(await generateIceServers(env, key, ttl)), ttl }
  } catch (err) {
    if (!(err instanceof TurnApiError && (err.status === 401 || err.status === 404))) throw err
    return { ...(await generateIceServers(env, unwrap(await keys.replaceLost(key.uid)), ttl)), ttl }
  }
}
