/*
 * Cloudflare Access's settings, checked once per request before anything else reads them: a
 * team domain written without `https://`, or one setting of a pair without the other, would
 * otherwise turn Access off or refuse every Access user without saying why.
 */

export interface AccessConfig {
  /** `https://<team>.cloudflareaccess.com`: the tokens' `iss`, exactly. */
  issuer: string
  audience: string
  jwksUrl: string
  /** Access's get-identity endpoint, the built-in user directory. */
  identityUrl: string
  /** Every request needs a verified Access token (ACCESS_REQUIRED not "false"). */
  required: boolean
}

/** Thrown for settings that cannot work; the message names the variable, never a secret. */
export class AccessMisconfigured extends Error {
  override readonly name = 'AccessMisconfigured'
}

/**
 * The team domain as Access writes it in `iss`: `https://<team>.cloudflareaccess.com`, from that,
 * the same with a trailing slash, or the bare host name. Anything else (another scheme, a path, a
 * query) is refused.
 */
export function normaliseTeamDomain(raw: string): string {
  const value = raw.trim()
  let url: URL
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`)
  } catch {
    throw new AccessMisconfigured(`ACCESS_TEAM_DOMAIN is not a host name or URL: ${JSON.stringify(value)}`)
  }
  if (url.protocol !== 'https:' || url.pathname !== '/' || url.search || url.hash || url.username || url.port)
    throw new AccessMisconfigured(
      `ACCESS_TEAM_DOMAIN must be https://<team>.cloudflareaccess.com (or the bare host), not ${JSON.stringify(value)}`,
    )
  return url.origin
}

const optionalUrl = (name: string, value: string | undefined, fallback: string) => {
  if (!value) return fallback
  try {
    return new URL(value).href
  } catch {
    throw new AccessMisconfigured(`${name} is not a URL`)
  }
}

/** Access's settings; undefined when Access is off (neither of its two settings is set). */
export function accessConfig(env: GatewayEnv): AccessConfig | undefined {
  const domain = env.ACCESS_TEAM_DOMAIN?.trim()
  const audience = env.ACCESS_AUD?.trim()
  if (!domain && !audience) {
    if (env.TRUST_ACCESS_EMAIL_HEADER === 'true')
      throw new AccessMisconfigured(
        'TRUST_ACCESS_EMAIL_HEADER is "true" without Access (ACCESS_TEAM_DOMAIN, ACCESS_AUD): anyone could send that header',
      )
    return undefined
  }
  if (!domain || !audience)
    throw new AccessMisconfigured(
      `Access needs both ACCESS_TEAM_DOMAIN and ACCESS_AUD; ${domain ? 'ACCESS_AUD' : 'ACCESS_TEAM_DOMAIN'} is empty`,
    )
  const issuer = normaliseTeamDomain(domain)
  return {
    issuer,
    audience,
    jwksUrl: optionalUrl('ACCESS_JWKS_URL', env.ACCESS_JWKS_URL, `${issuer}/cdn-cgi/access/certs`),
    identityUrl: optionalUrl('ACCESS_IDENTITY_URL', env.ACCESS_IDENTITY_URL, `${issuer}/cdn-cgi/access/get-identity`),
    required: env.ACCESS_REQUIRED !== 'false',
  }
}
