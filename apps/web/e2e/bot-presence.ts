import { FINAL_ROOM_CLOSE_CODES, type ServerMessage, type UserPatch } from '@tangerine/contracts'
import { roomSocket, type Outsider, type RawSocket } from './attacks/outsider.ts'

/*
 * Being in a meeting the way a page is (apps/web/src/lib/realtime/room.svelte.ts and
 * meeting.svelte.ts): a room socket that pings every heartbeat (the room counts out anyone it has
 * not heard from for 2.5 of them), reopens after a drop or a silence longer than a page tolerates,
 * and says again that it is in the meeting, with its tracks, whenever the room's state shows it
 * is not (after the room timed it out, say). A bare socket that did none of this vanished from
 * the meeting as soon as the machine was busy.
 */

/** The page's heartbeat and silence limit (room.svelte.ts `HEARTBEAT_MS`, `SILENCE_LIMIT_MS`). */
const HEARTBEAT_MS = 5000
const SILENCE_LIMIT_MS = HEARTBEAT_MS * 1.5
/** Between reconnection attempts (the page's PartySocket waits 0.5–1 s at first). */
const RECONNECT_MS = 750

type UserTracksPatch = NonNullable<UserPatch['tracks']>

export class RoomPresence {
  /** Room sockets opened, the first included. */
  opened = 0
  /** Times the room's state showed us out of the meeting and we said we were in it. */
  announced = 0
  readonly #room: string
  readonly #who: Outsider
  readonly #id: string
  #tracks: UserTracksPatch
  #socket: RawSocket | undefined
  #lastHeard = 0
  #stopped = false
  readonly #timers: Array<ReturnType<typeof setInterval>> = []

  private constructor(room: string, who: Outsider, id: string, tracks: UserTracksPatch) {
    this.#room = room
    this.#who = who
    this.#id = id
    this.#tracks = tracks
  }

  /** `who` (as user `id`) in the meeting of `room`, announcing `tracks`; resolves once the room has them in it. */
  static async enter(room: string, who: Outsider, id: string, tracks: UserTracksPatch): Promise<RoomPresence> {
    const presence = new RoomPresence(room, who, id, tracks)
    const socket = await presence.#open()
    await socket.next((m) => m.type === 'roomState' && presence.#joinedIn(m))
    presence.#timers.push(
      setInterval(() => presence.#send({ type: 'partyserver-ping' }), HEARTBEAT_MS),
      setInterval(() => {
        const ws = presence.#socket?.ws
        if (ws?.readyState === ws?.OPEN && Date.now() - presence.#lastHeard > SILENCE_LIMIT_MS) ws?.terminate()
      }, 1000),
    )
    return presence
  }

  /** Publishes a change to our tracks, and keeps it for the next time we say we are here. */
  updateTracks(tracks: UserTracksPatch) {
    this.#tracks = { ...this.#tracks, ...tracks }
    this.#send({ type: 'userUpdate', user: { tracks } })
  }

  /** Says goodbye, as the page's Leave does, and stays gone. */
  leave() {
    this.#stopped = true
    for (const t of this.#timers.splice(0)) clearInterval(t)
    this.#send({ type: 'userLeft' })
    this.#socket?.close()
  }

  #send(message: Parameters<RawSocket['send']>[0]) {
    const ws = this.#socket?.ws
    if (ws?.readyState === ws?.OPEN) this.#socket?.send(message)
  }

  #joinedIn(m: Extract<ServerMessage, { type: 'roomState' }>) {
    return m.state.users.some((u) => u.id === this.#id && u.joined)
  }

  async #open(): Promise<RawSocket> {
    const socket = await roomSocket(this.#room, this.#who, this.#id)
    this.opened++
    this.#socket = socket
    this.#lastHeard = Date.now()
    const receive = (m: ServerMessage) => {
      this.#lastHeard = Date.now()
      if (m.type === 'roomState' && !this.#joinedIn(m) && !this.#stopped) {
        this.announced++
        this.#send({ type: 'userUpdate', user: { joined: true, tracks: this.#tracks } })
      }
    }
    socket.onMessage(receive)
    for (const m of socket.messages) receive(m)
    void socket.closed.then(({ code }) => {
      if (!this.#stopped && !FINAL_ROOM_CLOSE_CODES.includes(code)) this.#reopen()
    })
    return socket
  }

  #reopen() {
    setTimeout(() => {
      if (!this.#stopped) this.#open().catch(() => this.#reopen())
    }, RECONNECT_MS)
  }
}
