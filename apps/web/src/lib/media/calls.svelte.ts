import type { ApiHistoryEntry } from '@tangerine/contracts'
import { PartyTracks } from 'partytracks/client'
import { map, of, type Observable } from 'rxjs'

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

  constructor(room: string, userId: string) {
    this.tracks = new PartyTracks({
      prefix: '/api/partytracks',
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

  /** Subscribes to someone's track; unsubscribing closes it at the SFU. */
  pull(ref$: Observable<string>): Observable<MediaStreamTrack> {
    return this.tracks.pull(ref$.pipe(map((ref) => ({ location: 'remote' as const, ...parseRef(ref) }))))
  }

  /**
   * Pulls one track for as long as the returned function is not called, handing it to `onTrack`
   * (and `undefined` once let go): the body of an `$effect` that pulls what a component shows.
   */
  pullInto(ref: string, onTrack: (track: MediaStreamTrack | undefined) => void): () => void {
    const sub = this.pull(of(ref)).subscribe(onTrack)
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
