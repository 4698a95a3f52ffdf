import type { ApiHistoryEntry } from '@tangerine/contracts'
import { publicPaths } from '@tangerine/contracts/public-api'
import { PartyTracks } from 'partytracks/client'
import { finalize, map, of, ReplaySubject, share, type Observable } from 'rxjs'

/** How a published track is named in room state: `{sessionId}/{trackName}`. */
export function trackRef(meta: { sessionId?: string; trackName?: string }): string | undefined {
  return meta.sessionId && meta.trackName ? `${meta.sessionId}/${meta.trackName}` : undefined
}

/** A room-state track reference, back to what the Calls API names: `{sessionId, trackName}`. */
export function parseRef(ref: string) {
  const slash = ref.indexOf('/')
  return { sessionId: ref.slice(0, slash), trackName: ref.slice(slash + 1) }
}

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

  constructor(room: string, userId: string) {
    this.tracks = new PartyTracks({
      prefix: publicPaths.partytracks,
      apiExtraParams: `room=${encodeURIComponent(room)}&user=${encodeURIComponent(userId)}`,
      maxApiHistory: 200,
    })
    this.#subscriptions.push(this.tracks.peerConnectionState$.subscribe((s) => (this.connectionState = s)))
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
      pulled = this.tracks.pull(of({ location: 'remote' as const, ...parseRef(ref) })).pipe(
        finalize(() => this.#pulls.delete(ref)),
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
      sub.unsubscribe()
      onTrack(undefined)
    }
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
    for (const s of this.#subscriptions) s.unsubscribe()
  }
}
