import { clearPrefixLength, type Codec } from './clear-prefix.ts'
import { decodeHeader, encodeHeader } from './header.ts'
import { deriveSenderKey, epochBitsOf, keyId, nonce, type SenderKey } from './keys.ts'
import { ReplayWindow } from './replay-window.ts'

// Encrypted frame: clear prefix | SFrame header | AES-GCM(ciphertext + 16-byte tag), the prefix
// and header authenticated as AAD. The next user is the E2EE worker's RTCRtpScriptTransform.

export interface EpochSecret {
  epoch: bigint
  secret: Uint8Array
}

type Bytes = Uint8Array<ArrayBuffer>

function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** One sender's encryptor for one epoch; a new epoch gets a new encryptor (new key id). */
export class FrameEncryptor {
  private counter = 0
  private readonly kid: number
  private readonly senderKey: SenderKey

  private constructor(kid: number, senderKey: SenderKey) {
    this.kid = kid
    this.senderKey = senderKey
  }

  static async create(epoch: EpochSecret, senderIndex: number): Promise<FrameEncryptor> {
    const kid = keyId(epoch.epoch, senderIndex)
    return new FrameEncryptor(kid, await deriveSenderKey(epoch.secret, kid))
  }

  async encrypt(codec: Codec, frame: Bytes): Promise<Bytes> {
    const ctr = this.counter++
    const clear = frame.subarray(0, clearPrefixLength(codec, frame))
    const header = encodeHeader({ kid: this.kid, ctr })
    const aad = concat(clear, header)
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: nonce(this.senderKey.salt, ctr), additionalData: aad },
      this.senderKey.key,
      frame.subarray(clear.length),
    )
    return concat(aad, new Uint8Array(sealed))
  }
}

export class FrameDecryptError extends Error {}

// A commit reaches members at slightly different times: frames of the previous epoch keep
// arriving for a moment, so its keys stay until the epoch after.
const EPOCHS_KEPT = 2

/** Decrypts every sender's frames with the keys of the epochs it was given. */
export class FrameDecryptor {
  private epochs: EpochSecret[] = []
  private readonly senders = new Map<number, { from: EpochSecret; key: Promise<SenderKey>; replay: ReplayWindow }>()

  setEpoch(epoch: EpochSecret): void {
    this.epochs = [epoch, ...this.epochs.filter((e) => e.epoch < epoch.epoch)].slice(0, EPOCHS_KEPT)
    // Keys derived from a secret no longer held go with it (also when an epoch's secret is replaced).
    for (const [kid, sender] of this.senders) if (!this.epochs.includes(sender.from)) this.senders.delete(kid)
  }

  async decrypt(codec: Codec, frame: Bytes): Promise<Bytes> {
    const prefixLength = clearPrefixLength(codec, frame)
    let header: ReturnType<typeof decodeHeader>
    try {
      header = decodeHeader(frame, prefixLength)
    } catch {
      throw new FrameDecryptError('no SFrame header')
    }
    const sender = this.sender(header.kid)
    if (!sender.replay.fresh(header.ctr)) throw new FrameDecryptError(`replayed counter ${header.ctr}`)
    const senderKey = await sender.key
    let plain: ArrayBuffer
    try {
      plain = await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: nonce(senderKey.salt, header.ctr),
          additionalData: frame.subarray(0, header.end),
        },
        senderKey.key,
        frame.subarray(header.end),
      )
    } catch {
      throw new FrameDecryptError('frame did not authenticate')
    }
    // A sender is kept only once a frame of theirs authenticated: forged key ids (anyone on the
    // path can write a header) cost a derivation each, never memory. Two first frames decrypted
    // at once meet here: the one kept checks the other's counter too.
    const kept = this.senders.get(header.kid)
    if (kept && kept !== sender && !kept.replay.fresh(header.ctr)) {
      throw new FrameDecryptError(`replayed counter ${header.ctr}`)
    }
    ;(kept ?? sender).replay.record(header.ctr)
    if (!kept && this.epochs.includes(sender.from)) this.senders.set(header.kid, sender)
    return concat(frame.subarray(0, prefixLength), new Uint8Array(plain))
  }

  /** How many senders' keys are held: those whose frames authenticated, in the epochs kept. */
  get senderCount(): number {
    return this.senders.size
  }

  private sender(kid: number) {
    const known = this.senders.get(kid)
    if (known) return known
    const epoch = this.epochs.find((e) => Number(e.epoch % 256n) === epochBitsOf(kid))
    if (!epoch) throw new FrameDecryptError(`no key for key id ${kid}`)
    return { from: epoch, key: deriveSenderKey(epoch.secret, kid), replay: new ReplayWindow() }
  }
}
