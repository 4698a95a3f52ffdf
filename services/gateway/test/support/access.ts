import { importJWK, SignJWT, generateKeyPair } from 'jose'

export const ACCESS_TEAM_DOMAIN = 'https://tangerine-test.cloudflareaccess.com'
export const ACCESS_AUD = 'tangerine-test-aud'

interface TokenOptions {
  email?: string
  audience?: string
  issuer?: string
  expiresIn?: string | number
  /** Sign with a stranger's key under the trusted kid: a forged signature. */
  forge?: boolean
  /** A service token's: no email, its Client ID as `common_name`, an empty `sub`. */
  service?: boolean
  /** Leave `exp` out (Access never does). */
  noExpiry?: boolean
  /** Another algorithm with the same RSA key (Access signs RS256 only). */
  algorithm?: 'RS256' | 'PS256'
  identityNonce?: string
}

/**
 * An Access application token shaped as Cloudflare documents it
 * (https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/application-token/):
 * `aud` as an array, `email`, `exp`, `iat`, `nbf`, `iss`, `type: "app"`, `identity_nonce`, `sub`
 * and `country`; no `name`, which Access does not put in its tokens. Signed by the test JWKS's key.
 */
export async function accessToken(privateJwk: string, options: TokenOptions = {}): Promise<string> {
  const jwk = JSON.parse(privateJwk) as { kid: string }
  const algorithm = options.algorithm ?? 'RS256'
  const key = options.forge ? (await generateKeyPair('RS256')).privateKey : await importJWK(jwk, algorithm)
  const claims: Record<string, string> = options.service
    ? { common_name: '8f3a1b2c4d5e6f708192a3b4c5d6e7f8.access', sub: '', type: 'app' }
    : {
        email: options.email ?? 'ada@example.com',
        sub: crypto.randomUUID(),
        type: 'app',
        identity_nonce: options.identityNonce ?? crypto.randomUUID().replaceAll('-', '').slice(0, 16),
        country: 'GB',
      }
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: algorithm, kid: jwk.kid, typ: 'JWT' })
    .setIssuer(options.issuer ?? ACCESS_TEAM_DOMAIN)
    .setAudience([options.audience ?? ACCESS_AUD])
    .setIssuedAt()
    .setNotBefore('0s')
  if (!options.noExpiry) jwt.setExpirationTime(options.expiresIn ?? '1h')
  return jwt.sign(key)
}
