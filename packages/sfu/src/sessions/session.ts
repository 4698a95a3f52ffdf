import type { RTCPeerConnection, RTCRtpTransceiver } from 'werift'
import type { SessionDataChannelState, SessionTrackState, TrackLocation } from '@tangerine/contracts/calls/api'
import { closeChannel, type DataChannelRecord } from './data-channel.ts'
import { createPeer, type IceOptions } from '../media/peer.ts'
import { keepPublishersSimulcast } from '../media/simulcast-offer.ts'
import type { PublishedTrack } from '../media/published-track.ts'
import type { Subscription } from '../media/subscription.ts'
import { assertIcePeerFits, assertPlausibleSdp, mediaSectionCount } from '../media/sdp-check.ts'
import { CallsError, invalidParams, invalidSdp } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { FastSend } from '../media/fast-send.ts'
import { openSrtpWith } from '../media/fast-open.ts'
import { sealWithRolloverFor, type SrtpSealingContext } from '../media/srtp-rollover.ts'

/** What `GET …/sessions/{id}` lists: every track this session pushed or pulled. */
export interface TrackRecord {
  location: TrackLocation
  trackName: string
  mid: string | undefined
  /** The publisher's session, for pulls. */
  sessionId?: string
  closed: boolean
  published?: PublishedTrack
  subscription?: Subscription
}

export const newId = () => crypto.randomUUID().replaceAll('-', '')

/**
 * One client peer connection and the tracks it pushes and pulls. Every API call on a
 * session runs through `run`, one at a time, so SDP exchanges never interleave.
 */
export class Session {
  readonly id = newId()
  readonly appId: string
  readonly thirdparty: boolean
  readonly pc: RTCPeerConnection
  readonly createdAt = Date.now()
  /** Active published tracks by name. */
  readonly published = new Map<string, PublishedTrack>()
  readonly records: TrackRecord[] = []
  readonly dataChannels: DataChannelRecord[] = []
  /** Last moment the transport was known to be up (or creation time). */
  lastAliveAt = Date.now()
  /**
   * Last STUN request, RTP or RTCP from the peer. werift's consent expiry takes 30 s
   * to notice a vanished peer; a live WebRTC peer sends one of these every few
   * seconds, so their silence is the quicker sign.
   */
  lastInboundAt = Date.now()
  closed = false
  onClosed: (() => void) | undefined
  /** A published track stopped (closed by the client, the GC or the session's end). */
  onUnpublished: ((track: PublishedTrack) => void) | undefined

  private chain: Promise<unknown> = Promise.resolve()
  private readonly log: Logger

  /** The native SRTP opening for what the peer sends, when the SFU has the addon. */
  private readonly fastSend: FastSend | undefined

  constructor(appId: string, thirdparty: boolean, ice: IceOptions, log: Logger, fastSend?: FastSend) {
    this.fastSend = fastSend
    this.appId = appId
    this.thirdparty = thirdparty
    this.log = log.child({ sessionId: this.id })
    this.pc = createPeer(ice, () => {
      this.lastInboundAt = Date.now()
    })
    this.pc.connectionStateChange.subscribe((state) => {
      this.log.debug('connection state', { state })
      if (state === 'connected') {
        this.lastAliveAt = this.lastInboundAt = Date.now()
        this.watchInbound()
      }
      // A failed or closed transport never comes back without an ICE restart, which
      // partytracks never does; closing now frees the pullers instead of waiting.
      if (state === 'failed' || state === 'closed') this.close('transport ' + state)
    })
  }

  get connected(): boolean {
    return this.pc.connectionState === 'connected'
  }

  /**
   * For operations that need the transport: once an offer/answer exchange has set one up, waits
   * for it to connect, up to `timeoutMs`, then refuses with 425, as Calls does ("Operations that
   * require an established transport wait up to five seconds for connectivity",
   * https://developers.cloudflare.com/realtime/sfu/platform/limits/). A session that has completed
   * no exchange has no transport to wait for: its first exchange is what makes one. `0` waits for
   * nothing and refuses nothing (for SDP written with no peer behind it, as in tests).
   */
  async waitForTransport(timeoutMs: number): Promise<void> {
    if (timeoutMs === 0 || this.connected || this.pc.currentRemoteDescription === null) return
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        subscription.unSubscribe()
        reject(new CallsError(425, 'session_error', `Session is not connected yet (waited ${timeoutMs / 1000} s)`))
      }, timeoutMs)
      const subscription = this.pc.connectionStateChange.subscribe((state) => {
        if (state !== 'connected' && state !== 'failed' && state !== 'closed') return
        clearTimeout(timer)
        subscription.unSubscribe()
        if (state === 'connected') resolve()
        else reject(new CallsError(410, 'session_error', `Session transport ${state}`))
      })
    })
  }

  /** `touch`: the call shows the client is still at work (reads like GET do not). */
  run<T>(op: () => Promise<T>, touch = true): Promise<T> {
    const next = this.chain.then(() => {
      if (this.closed) throw new CallsError(410, 'session_error', 'Session is closed')
      // A client still negotiating is not idle, however slow its ICE is to come up.
      if (touch) this.lastAliveAt = Date.now()
      return op()
    })
    this.chain = next.catch(() => undefined)
    return next
  }

  get awaitingAnswer(): boolean {
    return this.pc.signalingState === 'have-local-offer'
  }

  assertStable(): void {
    if (this.awaitingAnswer) {
      throw invalidParams('The session has an SFU offer waiting for its answer; send it to renegotiate first')
    }
  }

  transceiverByMid(mid: string): RTCRtpTransceiver | undefined {
    return this.pc.getTransceivers().find((t) => t.mid === mid)
  }

  /** Applies a client offer and returns the SFU's answer. */
  async answer(offerSdp: string, beforeAnswer?: () => void): Promise<string> {
    assertPlausibleSdp(offerSdp)
    assertIcePeerFits(offerSdp, this.thirdparty)
    this.assertStable()
    try {
      await this.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp })
    } catch (err) {
      throw invalidSdp(`Offer rejected: ${(err as Error).message}`)
    }
    beforeAnswer?.()
    await this.pc.setLocalDescription(await this.pc.createAnswer())
    return this.localSdp()
  }

  /** Makes an SFU offer covering every pending change; the client answers via renegotiate. */
  async offer(): Promise<string> {
    keepPublishersSimulcast(this.pc)
    await this.pc.setLocalDescription(await this.pc.createOffer())
    return this.localSdp()
  }

  async applyAnswer(answerSdp: string): Promise<void> {
    assertPlausibleSdp(answerSdp)
    assertIcePeerFits(answerSdp, this.thirdparty)
    // An answer replayed after its exchange finished is out of order: the error-code page files that
    // under invalid_session_description ("Do not replay an answer after its exchange has finished").
    if (!this.awaitingAnswer) throw invalidSdp('There is no SFU offer waiting for an answer')
    const offered = mediaSectionCount(this.pc.localDescription?.sdp ?? '')
    if (mediaSectionCount(answerSdp) !== offered) {
      throw invalidSdp(`The answer has ${mediaSectionCount(answerSdp)} media sections, the offer ${offered}`)
    }
    try {
      await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp })
    } catch (err) {
      throw invalidSdp(`Answer rejected: ${(err as Error).message}`)
    }
  }

  publishedChannel(name: string): DataChannelRecord | undefined {
    return this.dataChannels.find((c) => c.location === 'local' && c.dataChannelName === name && !c.closed)
  }

  dataChannelStates(): SessionDataChannelState[] {
    return this.dataChannels.map((c) => ({
      location: c.location,
      ...(c.sessionId === undefined ? {} : { sessionId: c.sessionId }),
      dataChannelName: c.dataChannelName,
      id: c.id,
      status: c.closed ? 'inactive' : c.channel.readyState === 'open' ? 'active' : 'initializing',
    }))
  }

  trackStates(): SessionTrackState[] {
    return this.records.map((record) => ({
      location: record.location,
      mid: record.mid ?? '',
      trackName: record.trackName,
      ...(record.sessionId === undefined ? {} : { sessionId: record.sessionId }),
      status: record.closed ? 'inactive' : this.connected ? 'active' : 'initializing',
    }))
  }

  /** Stops a published track: its pullers stop receiving, its record turns inactive. */
  unpublish(track: PublishedTrack): void {
    if (this.published.get(track.name) === track) this.published.delete(track.name)
    track.close()
    this.onUnpublished?.(track)
    for (const record of this.records) if (record.published === track) record.closed = true
  }

  close(reason: string): void {
    if (this.closed) return
    this.closed = true
    this.log.info('session closed', { reason })
    for (const track of [...this.published.values()]) this.unpublish(track)
    for (const record of this.records) {
      record.subscription?.close()
      record.closed = true
    }
    for (const channel of this.dataChannels) closeChannel(channel)
    this.pc.close().catch(() => undefined)
    this.onClosed?.()
  }

  private readonly watchedTransports = new Set<unknown>()

  private watchInbound(): void {
    for (const transport of this.pc.dtlsTransports) {
      // Keyed by now (werift keys SRTP before it reports the transport connected); again after a
      // DTLS restart, which gives it new keys.
      if (this.fastSend) openSrtpWith(this.fastSend, transport)
      const sealing = (transport.srtp as { localContext?: SrtpSealingContext } | undefined)?.localContext
      if (sealing) sealWithRolloverFor(sealing)
      if (this.watchedTransports.has(transport)) continue
      this.watchedTransports.add(transport)
      const touch = () => {
        this.lastInboundAt = Date.now()
      }
      transport.onRtp.subscribe(touch)
      transport.onRtcp.subscribe(touch)
    }
  }

  private localSdp(): string {
    const sdp = this.pc.localDescription?.sdp
    if (!sdp) throw new CallsError(500, 'internal_error', 'No local description')
    return sdp
  }
}
