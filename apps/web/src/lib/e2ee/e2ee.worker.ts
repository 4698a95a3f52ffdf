import { GroupSession } from '@tangerine/e2ee'
import { decryptFrames, encryptFrames, MediaKeys, type EncodedFrame, type TransformHooks } from './frame-transform.ts'
import type { FromWorker, ToWorker, TransformOptions } from './worker-protocol.ts'

/**
 * The E2EE worker: one MLS group session and every frame transform of the page. The media
 * secret the session derives goes to the transforms here and never back to the page.
 */

// The app's TypeScript program is typed for the page (lib "dom"); these are the parts of the
// worker's own scope (lib "webworker") used here.
interface ScriptTransformer {
  readonly readable: ReadableStream<EncodedFrame>
  readonly writable: WritableStream<EncodedFrame>
  readonly options: TransformOptions
  generateKeyFrame?(): Promise<void>
  sendKeyFrameRequest?(): Promise<void>
}
interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null
  onrtctransform: ((event: { transformer: ScriptTransformer }) => void) | null
  postMessage(message: FromWorker): void
}
const scope = self as unknown as WorkerScope

const keys = new MediaKeys()
let session: GroupSession | undefined

const post = (message: FromWorker) => scope.postMessage(message)

/** Runs one sender's or receiver's frames through its transform until the track ends. */
function pipe(
  readable: ReadableStream<EncodedFrame>,
  writable: WritableStream<EncodedFrame>,
  { operation, kind }: TransformOptions,
  hooks: TransformHooks,
) {
  const transform = operation === 'encrypt' ? encryptFrames(keys, kind, hooks) : decryptFrames(keys, kind, hooks)
  readable
    .pipeThrough(new TransformStream(transform))
    .pipeTo(writable)
    .catch(() => {})
    .finally(() => transform.close())
}

// A rejected key-frame request (no encoder yet, the track stopped) only means it was not needed.
const quietly = (request: (() => Promise<void>) | undefined) =>
  request ? () => void request().catch(() => {}) : undefined

scope.onrtctransform = ({ transformer }) => {
  pipe(transformer.readable, transformer.writable, transformer.options, {
    requestKeyFrame:
      transformer.options.operation === 'encrypt'
        ? quietly(transformer.generateKeyFrame?.bind(transformer))
        : quietly(transformer.sendKeyFrameRequest?.bind(transformer)),
  })
}

scope.onmessage = ({ data }) => {
  switch (data.type) {
    case 'start':
      session ??= GroupSession.create(data.userId, {
        send: (message) => post({ type: 'send', message }),
        mediaKey: (key, leafIndex) => keys.setKey(key, leafIndex),
        status: (status) => post({ type: 'status', status }),
      })
      return
    case 'state':
      return session?.state(data.state)
    case 'event':
      return session?.event(data.event, data.after)
    case 'keyPackage':
      return session?.keyPackage(data.from, data.payload)
    case 'error':
      return session?.error(data.code)
    case 'streams':
      return pipe(data.readable, data.writable, data, {})
  }
}
