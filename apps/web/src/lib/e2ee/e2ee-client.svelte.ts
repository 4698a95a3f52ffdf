import type { E2eeStatus } from '@tangerine/e2ee'
import type { PartyTracks } from 'partytracks/client'
import type { Subscription } from 'rxjs'
import type { RoomConnection } from '../realtime/room.svelte.ts'
import type { MediaKind } from './frame-transform.ts'
import type { TransformApi } from './support.ts'
import type { FromWorker, ToWorker, TransformOptions } from './worker-protocol.ts'

/**
 * The page's side of end-to-end encryption: it runs the E2EE worker, feeds it the room socket
 * (states, events, relayed KeyPackages, refusals), sends what the worker asks on that socket,
 * and puts the worker's transforms on every sender and receiver of the Calls connection.
 * Loaded with a dynamic import, only when someone joins an E2EE meeting.
 */
export class E2eeClient {
  status = $state<E2eeStatus>({ state: 'waiting', members: [] })
  /** Set when this page cannot encrypt after all (a transform refused, the worker died): why. */
  failure = $state<string>()
  readonly #worker: Worker
  readonly #api: TransformApi
  readonly #stops: (() => void)[] = []

  constructor(room: RoomConnection, api: TransformApi) {
    this.#api = api
    // Vite bundles the worker from this exact `new Worker(new URL(…))` form; the URL is not state.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    this.#worker = new Worker(new URL('./e2ee.worker.ts', import.meta.url), { type: 'module', name: 'e2ee' })
    this.#worker.onmessage = ({ data }: MessageEvent<FromWorker>) => {
      if (data.type === 'send') room.send(data.message)
      else if (data.type === 'status') this.status = data.status
      else this.failure = data.error
    }
    this.#worker.onerror = (event) => {
      this.failure = `Encryption stopped: ${event.message || 'its worker failed'}`
    }
    this.#post({ type: 'start', userId: room.userId })
    // The room's state is reactive (a proxy): the worker gets plain copies.
    const sendState = () => room.state && this.#post({ type: 'state', state: $state.snapshot(room.state) })
    sendState()
    this.#stops.push(
      room.onState(sendState),
      room.onEvent((event) => {
        if (room.state) this.#post({ type: 'event', event: $state.snapshot(event), after: $state.snapshot(room.state) })
      }),
      room.onKeyPackage((from, payload) => this.#post({ type: 'keyPackage', from, payload })),
      room.onError((code) => this.#post({ type: 'error', code })),
    )
  }

  /**
   * Puts a transform on every transceiver the Calls connection has added or will add: ours
   * (sendonly) encrypt, the others' (recvonly) decrypt. Call it before pushing or pulling, so a
   * sending video transceiver is set to VP8 before its first offer.
   */
  attach(tracks: PartyTracks): Subscription {
    return tracks.transceiver$.subscribe((transceiver) => {
      try {
        this.#transform(transceiver)
      } catch (error) {
        this.failure = `This browser refused to encrypt a track: ${error instanceof Error ? error.message : error}`
      }
    })
  }

  close() {
    for (const stop of this.#stops.splice(0)) stop()
    this.#worker.terminate()
  }

  #transform(transceiver: RTCRtpTransceiver) {
    const kind = transceiver.receiver.track.kind as MediaKind
    if (transceiver.direction === 'sendonly') {
      if (kind === 'video') preferVp8(transceiver)
      this.#set(transceiver.sender, { operation: 'encrypt', kind })
    } else if (transceiver.direction === 'recvonly') {
      this.#set(transceiver.receiver, { operation: 'decrypt', kind })
    }
  }

  #set(target: RTCRtpSender | RTCRtpReceiver, options: TransformOptions) {
    if (this.#api === 'script-transform') {
      target.transform = new RTCRtpScriptTransform(this.#worker, options)
      return
    }
    const { readable, writable } = (target as unknown as EncodedStreams).createEncodedStreams()
    this.#post({ type: 'streams', readable, writable, ...options }, [readable, writable])
  }

  #post(message: ToWorker, transfer: Transferable[] = []) {
    this.#worker.postMessage(message, transfer)
  }
}

/** Chromium's pre-standard API, absent from TypeScript's DOM types. */
interface EncodedStreams {
  createEncodedStreams(): { readable: ReadableStream; writable: WritableStream }
}

/**
 * Our video goes out as VP8, whatever the browser would pick, because the frame's clear prefix
 * (what the SFU and the receiving depacketizer read) is VP8's; as Orange Meets does.
 */
function preferVp8(transceiver: RTCRtpTransceiver) {
  const codecs = RTCRtpReceiver.getCapabilities('video')?.codecs ?? []
  const vp8 = codecs.filter((c) => c.mimeType === 'video/VP8' || c.mimeType === 'video/rtx')
  if (vp8.some((c) => c.mimeType === 'video/VP8')) transceiver.setCodecPreferences(vp8)
}
