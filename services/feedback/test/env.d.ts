import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** test/support/receiver.ts: the stand-in for a Google Chat webhook and its control API. */
    feedbackReceiver: { controlUrl: string; hookUrl: string }
  }
}

declare global {
  namespace Cloudflare {
    interface Env {
      /** vitest.config.ts: the consumer's max_retries in this project (the deployed one, from wrangler.jsonc, or 2). */
      TEST_MAX_RETRIES: string
    }
  }
}
