import { importJWK, SignJWT, generateKeyPair } from 'jose'

export const ACCESS_TEAM_DOMAIN = 'https://tangerine-test.cloudflareaccess.com'
export const ACCESS_AUD = 'tangerine-test-aud'

interface TokenOptions {
  email?: string
  name?: string
  audience?: string
  issuer?: string
  expiresIn?: string | number
  /** Sign with a stranger's key under the trusted kid: a forged signature. */
  forge?: boolean
}

/** An Access application token as Cloudflare Access would issue it, signed by the test JWKS's key. */
export async function accessToken(privateJwk: string, options: TokenOptions = {}): Promise<string> {
  const jwk = JSON.parse(privateJwk) as { kid: string }
  const key = options.forge ? (await generateKeyPair('RS256')).privateKey : await importJWK(jwk, 'RS256')
  const claims: Record<string, string> = { email: options.email ?? 'ada@example.com' }
  if (options.name) claims.name = options.name
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
    .setIssuer(options.issuer ?? ACCESS_TEAM_DOMAIN)
    .setAudience(options.audience ?? ACCESS_AUD)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(key)
}
