import { AccessClaims } from '@tangerine/contracts'
import { createRemoteJWKSet, jwtVerify } from 'jose'

/** One key set per JWKS URL per isolate: jose caches the keys and refetches on an unknown kid. */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>()

export interface AccessConfig {
  teamDomain: string
  audience: string
  jwksUrl: string
}

/** Access is on when both its team domain and application audience are configured. */
export function accessConfig(env: GatewayEnv): AccessConfig | undefined {
  const teamDomain = env.ACCESS_TEAM_DOMAIN?.replace(/\/$/, '')
  if (!teamDomain || !env.ACCESS_AUD) return undefined
  return { teamDomain, audience: env.ACCESS_AUD, jwksUrl: env.ACCESS_JWKS_URL || `${teamDomain}/cdn-cgi/access/certs` }
}

/**
 * Access in front of the gateway means nothing gets in around it: with Access on, every request
 * needs a verified Access token unless ACCESS_REQUIRED is "false" (lobby sessions alongside).
 */
export function accessRequired(env: GatewayEnv): AccessConfig | undefined {
  const config = accessConfig(env)
  return config && env.ACCESS_REQUIRED !== 'false' ? config : undefined
}

/**
 * Verifies a `Cf-Access-Jwt-Assertion`: signature against the team's JWKS, issuer, audience and
 * expiry. Throws when any of them is wrong.
 */
export async function verifyAccessJwt(token: string, config: AccessConfig): Promise<AccessClaims> {
  let keys = keySets.get(config.jwksUrl)
  if (!keys) {
    keys = createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 3000 })
    keySets.set(config.jwksUrl, keys)
  }
  const { payload } = await jwtVerify(token, keys, { issuer: config.teamDomain, audience: config.audience })
  return AccessClaims.parse(payload)
}
