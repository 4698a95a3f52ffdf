import type { PartyTracks } from 'partytracks/client'
import type { Subscription } from 'rxjs'
import type { RoomConnection } from '../realtime/room.svelte.ts'
import type { E2eeClient } from './e2ee-client.svelte.ts'
import { E2EE_UNSUPPORTED, transformApi } from './support.ts'

/**
 * A meeting's end-to-end encryption as the Meeting sees it. Loaded with the room page, so it
 * only decides: the client, its worker and the MLS library come in a chunk of their own, fetched
 * when someone joins an E2EE meeting.
 */
export class MeetingEncryption {
  client = $state<E2eeClient>()
  /** Why this page takes no part in an E2EE meeting's encryption (the browser cannot). */
  unsupported = $state<string>()
  #transforms: Subscription | undefined

  /**
   * Starts encryption if the meeting is E2EE (`stillWanted` says whether the person is still
   * joining once the chunk has loaded). False if this page cannot encrypt there; true in a
   * meeting without E2EE.
   */
  async start(room: RoomConnection, stillWanted: () => boolean): Promise<boolean> {
    if (!room.state?.e2ee) return true
    const api = transformApi()
    if (!api) {
      this.unsupported = E2EE_UNSUPPORTED
      return false
    }
    if (!this.client) {
      const { E2eeClient } = await import('./e2ee-client.svelte.ts')
      if (!stillWanted()) return false
      this.client = new E2eeClient(room, api)
    }
    return true
  }

  /** Transforms on every transceiver of the Calls connection: before its first pull or push. */
  attach(tracks: PartyTracks) {
    if (this.client) this.#transforms ??= this.client.attach(tracks)
  }

  stop() {
    this.#transforms?.unsubscribe()
    this.#transforms = undefined
    this.client?.close()
    this.client = undefined
  }
}
