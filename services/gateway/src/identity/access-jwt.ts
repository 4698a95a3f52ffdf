import { AccessClaims } from '@tangerine/contracts'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import type { AccessConfig } from './access-config.ts'

/** One key set per JWKS URL per isolate: jose caches the keys and refetches on an unknown kid. */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>()

/** Clocks a few seconds apart must not refuse a token Access has just issued. */
const CLOCK_TOLERANCE_SECONDS = 30

/**
 * Verifies a `Cf-Access-Jwt-Assertion` as Cloudflare says to validate it
 * (https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/validating-json/):
 * RS256 only, against the team's JWKS, with the team domain as issuer and the application's AUD
 * as audience, and an expiry, which every Access token carries. Throws when any of it is wrong.
 */
export async function verifyAccessJwt(token: string, config: AccessConfig): Promise<AccessClaims> {
  let keys = keySets.get(config.jwksUrl)
  if (!keys) {
    keys = createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 3000 })
    keySets.set(config.jwksUrl, keys)
  }
  const { payload } = await jwtVerify(token, keys, {
    algorithms: ['RS256'],
    issuer: config.issuer,
    audience: config.audience,
    requiredClaims: ['exp'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  })
  return AccessClaims.parse(payload)
}
