import type { ProvidedContext } from 'vitest'

/**
 * The media Worker's Calls and TURN API bindings pointed at the local SFU that sfu-setup.ts
 * started (it answers both APIs: account id = app id, API token = app secret).
 */
export function sfuAsCalls(sfu: ProvidedContext['sfu']) {
  return {
    CALLS_API_URL: sfu.apiUrl,
    CALLS_APP_ID: sfu.appId,
    CALLS_APP_SECRET: sfu.appSecret,
    CLOUDFLARE_API_URL: sfu.accountApiUrl,
    CLOUDFLARE_ACCOUNT_ID: sfu.appId,
    CLOUDFLARE_API_TOKEN: sfu.appSecret,
  }
}
