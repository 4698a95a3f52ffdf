import type { ClientMessage, LoggedEvent, RoomErrorCode, RoomState } from '@tangerine/contracts'
import type { E2eeStatus } from '@tangerine/e2ee'
import type { MediaKind } from './frame-transform.ts'

/**
 * What the page and the E2EE worker say to each other. The room's messages cross as they came
 * (already parsed with the contracts schemas on the page); key material never crosses: the worker
 * gets the media secret from its own MLS group and keeps it.
 */

/** Which way a transform works: seal our frames or open someone else's. */
export type Operation = 'encrypt' | 'decrypt'

/** The options of an RTCRtpScriptTransform the page makes for one sender or receiver. */
export interface TransformOptions {
  operation: Operation
  kind: MediaKind
}

export type ToWorker =
  | { type: 'start'; userId: string }
  /** Each whole state the room sends. */
  | { type: 'state'; state: RoomState }
  /** Each event, in order, with the state after it. */
  | { type: 'event'; event: LoggedEvent; after: RoomState }
  /** A relayed mlsKeyPackage from the room. */
  | { type: 'keyPackage'; from: string; payload: string }
  | { type: 'error'; code: RoomErrorCode }
  /** The createEncodedStreams fallback: a sender's or receiver's streams, transferred. */
  | ({ type: 'streams'; readable: ReadableStream; writable: WritableStream } & TransformOptions)

export type FromWorker =
  /** A message for the room socket (mlsKeyPackage, mlsCommit). */
  | { type: 'send'; message: ClientMessage }
  | { type: 'status'; status: E2eeStatus }
  /** The worker failed in a way it cannot recover from (its MLS library did not load). */
  | { type: 'failed'; error: string }
