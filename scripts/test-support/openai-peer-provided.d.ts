// What openai-peer-setup.ts provides to tests (`inject('openaiPeer')`).
import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The fake OpenAI Realtime endpoint (`/v1/realtime/calls`, `/v1/realtime`, `/test/calls`). */
    openaiPeer: { url: string; token: string }
  }
}
