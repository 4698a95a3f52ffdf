import type { ApiHistoryEntry } from '@tangerine/contracts'
import type { UpdateTracksRequest } from '@tangerine/contracts/calls/api'
import { publicPaths } from '@tangerine/contracts/public-api'
import { PartyTracks } from 'partytracks/client'
import { finalize, map, of, ReplaySubject, share, tap, type Observable } from 'rxjs'
import { bestLayer, LOWEST_LAYER, type LayerRid } from './layers.ts'
import { bundleTag } from './sdp.ts'
import { lookupOf, watchSession } from './session-watch.ts'
import { settleOnClose } from './settle-on-close.ts'

/** How a published track is named in room state: `{sessionId}/{trackName}`. */
export function trackRef(meta: { sessionId?: string; trackName?: string }): string | undefined {
  return meta.sessionId && meta.trackName ? `${meta.sessionId}/${meta.trackName}` : undefined
}

/** A room-state track reference, back to what the Calls API names: `{sessionId, trackName}`. */
export function parseRef(ref: string) {
  const slash = ref.indexOf('/')
  return { sessionId: ref.slice(0, slash), trackName: ref.slice(slash + 1) }
}

/** How long a pull a component let go of stays open for another to take over. */
const MOVE_HOLD_MS = 1500

/**
 * This page's Calls connection through the media service (partytracks). The API calls carry the
 * room and user so the media service can check them; the app secret never reaches the page.
 */
export class Calls {
  readonly tracks: PartyTracks
  connectionState = $state<RTCPeerConnectionState>('new')
  history = $state<ApiHistoryEntry[]>([])
  readonly #subscriptions: Array<{ unsubscribe(): void }> = []
  // Bookkeeping, not state anything renders: plain Maps.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #pulls = new Map<string, Observable<MediaStreamTrack>>()
  /** Prefetched pulls not yet taken over by a component: their release. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #holds = new Map<string, () => void>()
  /** The simulcast layers asked for per camera track, by who asks, and the one the SFU was last told. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #layers = new Map<string, { wanted: Map<symbol, LayerRid>; told?: LayerRid; track?: MediaStreamTrack }>()
  readonly #query: string
  #session: { peerConnection: RTCPeerConnection; sessionId: string } | undefined
  /** The pull whose m-section tags the session's BUNDLE, held for the session's life (see `#anchorIfTag`). */
  #anchor: { pc: RTCPeerConnection; ref: string; release: () => void } | undefined
  #unwatch: (() => void) | undefined
  /** Media was lost (the SFU went away) and is not flowing again yet. */
  recovering = $state(false)
  readonly #onRecovery: ((phase: 'lost' | 'restored') => void) | undefined

  /** `onRecovery`: told when media is lost and when it flows again. */
  constructor(room: string, userId: string, onRecovery?: (phase: 'lost' | 'restored') => void) {
    this.#onRecovery = onRecovery
    this.#query = `room=${encodeURIComponent(room)}&user=${encodeURIComponent(userId)}`
    // Before partytracks makes its first connection: a failed one must not take the next one's negotiations with it.
    settleOnClose()
    this.tracks = new PartyTracks({ prefix: publicPaths.partytracks, apiExtraParams: this.#query, maxApiHistory: 200 })
    this.#subscriptions.push(
      this.tracks.peerConnectionState$.subscribe((s) => {
        this.connectionState = s
        if (s === 'connected' && this.recovering) this.#recovered('restored')
      }),
      this.tracks.session$.subscribe((session) => {
        this.#session = session
        this.#unwatch?.()
        this.#unwatch = watchSession(session.peerConnection, session.sessionId, {
          lookup: async (id) => lookupOf(await fetch(`${publicPaths.partytracks}/sessions/${id}?${this.#query}`)),
          onLost: () => !this.recovering && this.#recovered('lost'),
        })
      }),
    )
    this.tracks.history.addEventListener('logentry', () => {
      this.history = [...this.tracks.history.entries]
    })
  }

  /** Publishes a track; emits its room-state reference (again after a reconnect). */
  push(
    track$: Observable<MediaStreamTrack>,
    sendEncodings$?: Observable<RTCRtpEncodingParameters[]>,
  ): Observable<string | undefined> {
    return this.tracks.push(track$, { sendEncodings$ }).pipe(map(trackRef))
  }

  /**
   * Subscribes to someone's track; the last unsubscribe closes it at the SFU. Everyone watching
   * one track (a tile, a pinned copy, a prefetch) shares one pull.
   */
  pull(ref: string): Observable<MediaStreamTrack> {
    let pulled = this.#pulls.get(ref)
    if (!pulled) {
      // A camera pulled for a tile that already said what layer it needs starts on that layer.
      const layers = this.#layers.get(ref)
      const rid = layers && bestLayer(layers.wanted.values())
      const simulcast = rid && { preferredRid: rid, ridNotAvailable: 'asciibetical' as const }
      pulled = this.tracks
        .pull(of({ location: 'remote' as const, ...parseRef(ref), ...(simulcast && { simulcast }) }))
        .pipe(
          // Pulled again after a reconnect, with the layer it was first pulled with.
          tap((track) => {
            this.#pulledLayer(ref, track, rid)
            this.#anchorIfTag(ref, track)
          }),
          finalize(() => {
            this.#pulls.delete(ref)
            this.#layers.delete(ref)
          }),
          share({ connector: () => new ReplaySubject(1), resetOnRefCountZero: true }),
        )
      this.#pulls.set(ref, pulled)
    }
    return pulled
  }

  /**
   * Starts pulling a track that a component is about to show, held until the component takes it
   * over (`pullInto`) or for `holdMs` at most: the component then finds the pull under way instead
   * of starting it once it has rendered.
   */
  prefetch(ref: string, holdMs = 3000) {
    if (this.#holds.has(ref)) return
    const sub = this.pull(ref).subscribe()
    const release = () => {
      clearTimeout(timer)
      sub.unsubscribe()
      this.#holds.delete(ref)
    }
    const timer = setTimeout(release, holdMs)
    this.#holds.set(ref, release)
  }

  /** Holds every pull under way, as `prefetch` does, for tiles that will come back for them. */
  holdAll(holdMs: number) {
    for (const ref of [...this.#pulls.keys()]) this.prefetch(ref, holdMs)
  }

  /**
   * Pulls one track for as long as the returned function is not called, handing it to `onTrack`
   * (and `undefined` once let go): the body of an `$effect` that pulls what a component shows.
   */
  pullInto(ref: string, onTrack: (track: MediaStreamTrack | undefined) => void): () => void {
    const sub = this.pull(ref).subscribe(onTrack)
    // Subscribed first, so a prefetched pull passes from the hold to us without closing.
    this.#holds.get(ref)?.()
    return () => {
      // Held a moment before it closes: a tile that moves (pinned, unpinned) is another component
      // that takes the same pull over, where closing and pulling again at once can leave the
      // session unable to apply the next answer ("Failed to setup RTCP mux").
      this.prefetch(ref, MOVE_HOLD_MS)
      sub.unsubscribe()
      onTrack(undefined)
    }
  }

  /**
   * Asks for a simulcast layer of a camera track for as long as the returned function is not
   * called. Several tiles may watch one track; the SFU sends the best layer any of them needs,
   * switching the pull already under way (no new pull, no new video element).
   */
  preferLayer(ref: string, rid: LayerRid): () => void {
    const key = Symbol()
    const layers = this.#layersOf(ref)
    layers.wanted.set(key, rid)
    this.#syncLayer(ref)
    return () => layers.wanted.delete(key)
  }

  #layersOf(ref: string) {
    let layers = this.#layers.get(ref)
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, nothing renders it
    if (!layers) this.#layers.set(ref, (layers = { wanted: new Map() }))
    return layers
  }

  #pulledLayer(ref: string, track: MediaStreamTrack, rid: LayerRid | undefined) {
    const layers = this.#layersOf(ref)
    layers.track = track
    layers.told = rid
    this.#syncLayer(ref)
  }

  /**
   * Tells the SFU the layer now needed, once the pull has its transceiver. After the microtask
   * queue, so a tile trading one layer for another sends one request. Without `ridNotAvailable`
   * the SFU would send nothing while the layer is paused (Chromium pauses its best one when
   * bandwidth drops); "asciibetical" moves to the nearest layer still sent.
   */
  #syncLayer(ref: string) {
    queueMicrotask(() => {
      const layers = this.#layers.get(ref)
      const rid = layers && bestLayer(layers.wanted.values())
      const session = this.#session
      if (!layers?.track || !rid || rid === layers.told || !session) return
      const mid = session.peerConnection.getTransceivers().find((t) => t.receiver.track === layers.track)?.mid
      if (!mid) return
      layers.told = rid
      const body: UpdateTracksRequest = {
        tracks: [
          {
            location: 'remote',
            ...parseRef(ref),
            mid,
            simulcast: { preferredRid: rid, ridNotAvailable: 'asciibetical' },
          },
        ],
      }
      const url = `${publicPaths.partytracks}/sessions/${session.sessionId}/tracks/update?${this.#query}`
      // Lost: the next change asks again, as does the pull after a reconnect.
      fetch(url, { method: 'PUT', body: JSON.stringify(body) }).catch(() => (layers.told = undefined))
    })
  }

  /**
   * Keeps the pull carrying the session's BUNDLE tag (its first m-section) open until the
   * session ends. partytracks closes a pull by stopping its transceiver, and a stopped tag makes
   * Chromium move every other track to a new transport that the SFU never connects (real Calls
   * as much as ours): whoever pulled this first muting or leaving would cut the page off from
   * everyone. mediasoup-client avoids closing its first m-section for the same reason. Held, it
   * costs one idle pull (nothing flows once they mute or leave; a camera drops to its lowest layer).
   */
  #anchorIfTag(ref: string, track: MediaStreamTrack) {
    const pc = this.#session?.peerConnection
    if (!pc || this.#anchor?.pc === pc) return
    // A pull's track comes while the SFU's offer is being applied: the remote description has the
    // tag then (and, for a session that pushed first, the SFU's answer keeps the offer's).
    const tag = bundleTag(pc.remoteDescription?.sdp)
    const mid = pc.getTransceivers().find((t) => t.receiver.track === track)?.mid
    if (tag === undefined || mid !== tag) return
    // Held before the last one (of the connection before a reconnect) lets go: it may be this very pull.
    const sub = this.pull(ref).subscribe()
    const lowest = track.kind === 'video' ? this.preferLayer(ref, LOWEST_LAYER) : undefined
    this.#anchor?.release()
    this.#anchor = {
      pc,
      ref,
      release: () => {
        lowest?.()
        sub.unsubscribe()
      },
    }
  }

  #recovered(phase: 'lost' | 'restored') {
    this.recovering = phase === 'lost'
    this.#onRecovery?.(phase)
  }

  async peerConnection(): Promise<RTCPeerConnection> {
    return new Promise((resolve) => {
      const sub = this.tracks.peerConnection$.subscribe((pc) => {
        resolve(pc)
        queueMicrotask(() => sub.unsubscribe())
      })
    })
  }

  close() {
    this.#anchor?.release()
    this.#anchor = undefined
    this.#unwatch?.()
    for (const s of this.#subscriptions) s.unsubscribe()
  }
}
