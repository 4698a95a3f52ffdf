import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** test/support/receiver.ts: the stand-in for a Google Chat webhook and its control API. */
    feedbackReceiver: { controlUrl: string; hookUrl: string }
  }
}
