import {
  FINAL_ROOM_CLOSE_CODES,
  ServerMessage,
  type ClientMessage,
  type LoggedEvent,
  type RoomErrorCode,
  type RoomState,
  type UserPatch,
} from '@tangerine/contracts'
import { evolve } from '@tangerine/room-model'
import { publicPaths, routePath } from '@tangerine/contracts/public-api'
import PartySocket from 'partysocket'

export const HEARTBEAT_MS = 5000
/**
 * A socket that has heard nothing (not even the pong to our heartbeat) for this long is dead
 * though no close came: a half-open connection (a roamed network, a NAT that forgot us) never
 * says so. Below the room's presence timeout (2.5 heartbeats) so that we are back, with `since`,
 * before the room counts us out.
 */
export const SILENCE_LIMIT_MS = HEARTBEAT_MS * 1.5

export type RoomStatus = 'connecting' | 'open' | 'reconnecting' | 'closed'

/**
 * The room socket (PartySocket) and the room state it keeps: the server's full state on first
 * connect, then every event folded in with the same `evolve` the room object uses. Reconnects
 * resume with `since` so nothing is missed and nothing is applied twice.
 */
export class RoomConnection {
  state = $state<RoomState>()
  seq = $state(0)
  status = $state<RoomStatus>('connecting')
  lastError = $state<{ code: RoomErrorCode; error: string }>()
  /**
   * Which view of the room `state` is: a lobby's has no Calls session ids, track names or chat.
   * Joining is seen first as our own `joined` event (still the lobby's view), then the room
   * sends the meeting's whole state; only that makes this `meeting`.
   */
  view = $state<'lobby' | 'meeting'>('lobby')
  /** Why the room closed this socket for good (removed, meeting ended, full): no reconnecting then. */
  closedBy = $state<{ code: number; reason: string }>()

  readonly room: string
  readonly userId: string
  readonly #socket: PartySocket
  // Not reactive state: listeners are plumbing, nothing renders them.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #listeners = new Set<(event: LoggedEvent, before: RoomState) => void>()
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #stateListeners = new Set<() => void>()
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #errorListeners = new Set<(code: RoomErrorCode, error: string) => void>()
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #keyPackageListeners = new Set<(from: string, payload: string) => void>()
  #heartbeat: ReturnType<typeof setInterval> | undefined
  #liveness: ReturnType<typeof setInterval> | undefined
  #lastHeard = 0
  #everOpen = false

  constructor(room: string, userId: string) {
    this.room = room
    this.userId = userId
    this.#socket = new PartySocket({
      host: location.host,
      protocol: location.protocol === 'https:' ? 'wss' : 'ws',
      // partysocket puts the slash between host and path itself.
      basePath: routePath(publicPaths.roomSocket, { name: room }).slice(1),
      id: userId,
      // Back soon after a blip: partysocket's defaults (3 s, then growing to 10 s) outlast the
      // room's presence timeout (two missed heartbeats), so a short drop would count us out.
      minReconnectionDelay: 500 + Math.random() * 500,
      maxReconnectionDelay: 4000,
      // Evaluated on every (re)connect: resume after the last event this page applied. A lobby
      // starts afresh instead: the room sends it only its lobby view, never a replay.
      query: () => (this.view === 'meeting' ? { since: String(this.seq) } : {}),
      shouldReconnectOnClose: (e) => !FINAL_ROOM_CLOSE_CODES.includes(e.code),
    })
    this.#socket.addEventListener('open', () => {
      this.#lastHeard = Date.now()
      this.status = 'open'
      this.#everOpen = true
    })
    this.#socket.addEventListener('close', (e: CloseEvent) => {
      if (FINAL_ROOM_CLOSE_CODES.includes(e.code)) {
        this.closedBy = { code: e.code, reason: e.reason }
        this.close()
      }
      if (this.status !== 'closed') this.status = this.#everOpen ? 'reconnecting' : 'connecting'
    })
    this.#socket.addEventListener('message', (e: MessageEvent) => {
      this.#lastHeard = Date.now()
      this.#receive(String(e.data))
    })
    // A ping rather than a bare heartbeat: the room answers it, so silence means the socket is dead.
    this.#heartbeat = setInterval(() => this.send({ type: 'partyserver-ping' }), HEARTBEAT_MS)
    this.#liveness = setInterval(() => {
      if (this.#socket.readyState === WebSocket.OPEN && Date.now() - this.#lastHeard > SILENCE_LIMIT_MS)
        this.#socket.reconnect()
    }, 1000)
  }

  get me() {
    return this.state?.users.find((u) => u.id === this.userId)
  }

  /** Called with each event after it is applied (and the state before it): toasts, being muted. */
  onEvent(listener: (event: LoggedEvent, before: RoomState) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Called after each whole state the room sends (first connect, a gap, joining, back to the lobby). */
  onState(listener: () => void): () => void {
    this.#stateListeners.add(listener)
    return () => this.#stateListeners.delete(listener)
  }

  /** Called with each refusal the room sends: a join refused, a host control refused. */
  onError(listener: (code: RoomErrorCode, error: string) => void): () => void {
    this.#errorListeners.add(listener)
    return () => this.#errorListeners.delete(listener)
  }

  /** Called with each MLS KeyPackage the room relays (E2EE meetings): not logged, so not an event. */
  onKeyPackage(listener: (from: string, payload: string) => void): () => void {
    this.#keyPackageListeners.add(listener)
    return () => this.#keyPackageListeners.delete(listener)
  }

  /** Sends if the socket is open; false if it is not (the message is dropped: callers that care say so). */
  send(message: ClientMessage): boolean {
    if (this.#socket.readyState !== WebSocket.OPEN) return false
    this.#socket.send(JSON.stringify(message))
    return true
  }

  update(user: UserPatch) {
    this.send({ type: 'userUpdate', user })
  }

  /** Says goodbye so others see us leave at once, then closes for good. */
  leave() {
    this.send({ type: 'userLeft' })
    this.close()
  }

  close() {
    this.status = 'closed'
    clearInterval(this.#heartbeat)
    clearInterval(this.#liveness)
    this.#socket.close()
  }

  /** For tests and the debug panel: drop the connection as a network failure would. */
  dropConnection() {
    this.#socket.reconnect()
  }

  #receive(raw: string) {
    const parsed = ServerMessage.safeParse(JSON.parse(raw))
    if (!parsed.success) return console.warn('Unexpected message from the room', parsed.error.issues[0])
    const message = parsed.data
    switch (message.type) {
      case 'roomState':
        this.state = message.state
        this.seq = message.seq
        this.view = message.state.users.some((u) => u.id === message.you && u.joined) ? 'meeting' : 'lobby'
        for (const listener of this.#stateListeners) listener()
        return
      case 'replay':
        // Only the events this socket may see: the room vouches there is nothing else between.
        for (const event of message.events) if (event.seq > this.seq) this.#apply(event, true)
        if (this.state) this.seq = Math.max(this.seq, message.seq)
        return
      case 'event':
        return this.#apply(message.event)
      case 'withheld':
        // Someone else's business (a lobby is not sent chat): only our place in the log moves on.
        if (this.#inOrder(message.seq)) this.seq = message.seq
        return
      case 'error':
        this.lastError = { code: message.code, error: message.error }
        for (const listener of this.#errorListeners) listener(message.code, message.error)
        return
      case 'mlsKeyPackage':
        for (const listener of this.#keyPackageListeners) listener(message.from, message.payload)
        return
    }
  }

  /** Whether `seq` comes next; a gap means we lost our place, so start over from a whole state. */
  #inOrder(seq: number): boolean {
    if (!this.state || seq <= this.seq) return false
    if (seq === this.seq + 1) return true
    this.state = undefined
    this.#socket.reconnect()
    return false
  }

  #apply(event: LoggedEvent, replayed = false) {
    if (!this.state || !(replayed || this.#inOrder(event.seq))) return
    const before = this.state
    this.state = evolve(before, event)
    this.seq = event.seq
    for (const listener of this.#listeners) listener(event, before)
  }
}
