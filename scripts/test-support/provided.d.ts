// What the vitest globalSetups here provide to tests (`inject(key)`), typed once for every package.
import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** stack-setup.ts: the whole system as `npm run dev` runs it. */
    stackUrl: string
    /** stack-setup.ts: where the stack's feedback consumer POSTs cards (the e2e test listens there). */
    feedbackReceiverUrl: string
    /** stack-setup.ts: the file holding the pid of the stack's SFU (the supervisor rewrites it on restart). */
    sfuPidFile: string
    /** stack-setup.ts: the stack's ADMIN_TOKEN, the operator secret (apps/web/e2e/ops.e2e.test.ts signs in with it). */
    operatorToken: string
    /**
     * sfu-setup.ts: the local SFU standing in for Cloudflare Calls, and for Cloudflare's TURN API
     * (account id = app id, API token = app secret) over coturn on `turnPort`.
     */
    sfu: { apiUrl: string; appId: string; appSecret: string; accountApiUrl: string; turnPort: number }
    /** services/gateway/test/support/stalled-server.ts: an upstream that never answers. */
    stalledUrl: string
    /** services/gateway/test/support/identity-servers.ts: Access's JWKS and a user directory. */
    identityServers: {
      jwksUrl: string
      directoryUrl: string
      directoryToken: string
      /** Access's get-identity endpoint, as the test server answers it. */
      identityUrl: string
      privateJwk: string
      kid: string
    }
  }
}
