import { FrameDecryptError, FrameDecryptor, FrameEncryptor, type Codec, type EpochSecret } from '@tangerine/e2ee'

/**
 * The frame transforms of an E2EE meeting, as the worker runs them: every outgoing frame sealed
 * with the current epoch's key, every incoming one opened, and nothing in the clear either way.
 * Written against the encoded-frame streams only, so it runs in Node tests as in the worker.
 */

/** What RTCEncodedVideoFrame and RTCEncodedAudioFrame have in common that we touch. */
export interface EncodedFrame {
  data: ArrayBuffer
  /** Video frames only: 'key', 'delta' or 'empty'. */
  type?: string
}

export type MediaKind = 'audio' | 'video'

/** Our sending video transceivers are forced to VP8 (see e2ee-client): its clear prefix is what we keep. */
export function codecOf(kind: MediaKind): Codec {
  return kind === 'audio' ? 'opus' : 'vp8'
}

/** The epochs a decryptor keeps (the current one and the one before, as FrameDecryptor does). */
const EPOCHS_KEPT = 2

/**
 * The media keys one worker holds: the current epoch's single encryptor, shared by all our
 * outgoing tracks so its counter (the nonce) never repeats under a key, and the decryptors of
 * the remote tracks, each fed every epoch.
 */
export class MediaKeys {
  #encryptor: Promise<FrameEncryptor> | undefined
  #epochs: EpochSecret[] = []
  readonly #decryptors = new Set<FrameDecryptor>()
  readonly #listeners = new Set<() => void>()

  /** A new epoch's media secret and our leaf index in it. */
  setKey(key: EpochSecret, leafIndex: number): void {
    this.#encryptor = FrameEncryptor.create(key, leafIndex)
    this.#epochs = [key, ...this.#epochs.filter((e) => e.epoch < key.epoch)].slice(0, EPOCHS_KEPT)
    for (const decryptor of this.#decryptors) decryptor.setEpoch(key)
    for (const listener of this.#listeners) listener()
  }

  /** Undefined while we hold no key: no frame may leave then. */
  get encryptor(): Promise<FrameEncryptor> | undefined {
    return this.#encryptor
  }

  /** A decryptor of its own for one remote track (its own replay windows), kept fed until released. */
  decryptor(): { decryptor: FrameDecryptor; release(): void } {
    const decryptor = new FrameDecryptor()
    for (const epoch of [...this.#epochs].reverse()) decryptor.setEpoch(epoch)
    this.#decryptors.add(decryptor)
    return { decryptor, release: () => this.#decryptors.delete(decryptor) }
  }

  /** Called after every new key. */
  onKey(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}

/** How often at most a transform asks for a key frame: a burst of drops asks once. */
export const KEY_FRAME_REQUEST_INTERVAL_MS = 500

function throttled(fn: (() => void) | undefined, now: () => number): () => void {
  let last = -Infinity
  return () => {
    if (!fn || now() - last < KEY_FRAME_REQUEST_INTERVAL_MS) return
    last = now()
    fn()
  }
}

export interface TransformHooks {
  /**
   * Asks for a key frame: `generateKeyFrame()` of the sender's transformer, or
   * `sendKeyFrameRequest()` of the receiver's. Absent where the API has none (the fallback).
   */
  requestKeyFrame?: () => void
  now?: () => number
}

/** A transform that sealed or dropped every frame until `close` (the track went away). */
export interface FrameTransform extends Transformer<EncodedFrame, EncodedFrame> {
  close(): void
}

/**
 * Seals our outgoing frames. Without a key yet, frames are dropped, never sent in the clear;
 * with each new key, video asks its encoder for a key frame so the others see us at once.
 */
export function encryptFrames(keys: MediaKeys, kind: MediaKind, hooks: TransformHooks = {}): FrameTransform {
  const codec = codecOf(kind)
  const keyFrame = kind === 'video' ? throttled(hooks.requestKeyFrame, hooks.now ?? Date.now) : () => {}
  const stop = keys.onKey(keyFrame)
  return {
    async transform(frame, controller) {
      // An empty frame carries no media; sealing it would give a frame with no clear prefix.
      if (frame.data.byteLength === 0) return controller.enqueue(frame)
      const encryptor = keys.encryptor
      if (!encryptor) return
      const sealed = await (await encryptor).encrypt(codec, new Uint8Array(frame.data))
      frame.data = sealed.buffer
      controller.enqueue(frame)
    },
    flush: () => stop(),
    close: () => stop(),
  }
}

/**
 * Opens one remote track's frames. A frame that does not open (no key for it yet, altered,
 * replayed, sent in the clear) is dropped; video then asks the sender for a key frame, and
 * again until one opens, since the delta frames after a gap cannot be decoded.
 */
export function decryptFrames(keys: MediaKeys, kind: MediaKind, hooks: TransformHooks = {}): FrameTransform {
  const codec = codecOf(kind)
  const { decryptor, release } = keys.decryptor()
  const keyFrame = kind === 'video' ? throttled(hooks.requestKeyFrame, hooks.now ?? Date.now) : () => {}
  let needKeyFrame = kind === 'video'
  return {
    async transform(frame, controller) {
      if (frame.data.byteLength === 0) return controller.enqueue(frame)
      let plain: Uint8Array<ArrayBuffer>
      try {
        plain = await decryptor.decrypt(codec, new Uint8Array(frame.data))
      } catch (error) {
        if (!(error instanceof FrameDecryptError)) throw error
        if (kind === 'video') {
          needKeyFrame = true
          keyFrame()
        }
        return
      }
      if (needKeyFrame) {
        if (frame.type === 'key') needKeyFrame = false
        else keyFrame()
      }
      frame.data = plain.buffer
      controller.enqueue(frame)
    },
    flush: release,
    close: release,
  }
}
