import type { RoomState, ServerMessage } from '@tangerine/contracts'
import { GroupSession, type E2eeStatus, type EpochSecret, type SessionTiming } from '@tangerine/e2ee'
import { evolve } from '@tangerine/room-model'
import type { TestSocket } from './socket.ts'

/**
 * A person's MLS client (the browser's GroupSession, unchanged) fed by a room socket as the page
 * feeds it: each whole state, each event with the state after it, each relayed KeyPackage, each
 * refusal. What it would hand the frame transforms (media keys) and the lock icon (status) is kept.
 */
export class MlsPerson {
  readonly socket: TestSocket
  readonly session: GroupSession
  status: E2eeStatus = { state: 'off', members: [] }
  readonly keys: EpochSecret[] = []
  readonly sent: string[] = []
  #state: RoomState | undefined
  readonly #stop: () => void

  constructor(socket: TestSocket, timing?: Partial<SessionTiming>) {
    this.socket = socket
    this.session = GroupSession.create(
      socket.id,
      {
        send: (message) => {
          this.sent.push(message.type)
          socket.send(message)
        },
        mediaKey: (key) => this.keys.push(key),
        status: (status) => (this.status = status),
      },
      timing,
    )
    for (const m of socket.messages) this.#receive(m)
    this.#stop = socket.onMessage((m) => this.#receive(m))
  }

  get id() {
    return this.socket.id
  }

  /** The page closes: its client goes with it. */
  close() {
    this.#stop()
    this.session.close()
    this.socket.close()
  }

  #receive(m: ServerMessage) {
    switch (m.type) {
      case 'roomState':
        this.#state = m.state
        return this.session.state(m.state)
      case 'event':
        if (!this.#state) return
        this.#state = evolve(this.#state, m.event)
        return this.session.event(m.event, this.#state)
      case 'replay':
        for (const event of m.events) {
          if (!this.#state) return
          this.#state = evolve(this.#state, event)
          this.session.event(event, this.#state)
        }
        return
      case 'mlsKeyPackage':
        return this.session.keyPackage(m.from, m.payload)
      case 'error':
        return this.session.error(m.code)
      default:
        return
    }
  }
}

/** Everyone active in one epoch with one safety number, and the group's members exactly `members` (them by default). */
export function inStep(people: MlsPerson[], members = people.map((p) => p.id)) {
  const [first] = people
  if (!first || first.status.state !== 'active') return false
  return people.every(
    (p) =>
      p.status.state === 'active' &&
      p.status.epoch === first.status.epoch &&
      p.status.safetyNumber === first.status.safetyNumber &&
      [...p.status.members].sort().join() === [...members].sort().join(),
  )
}

/** Where each person stands, for a failure's message. */
export function describeGroup(people: MlsPerson[]) {
  return people
    .map(
      (p) =>
        `${p.id.slice(0, 6)}: ${p.status.state} epoch ${p.status.epoch} members ${p.status.members.map((m) => m.slice(0, 6))}; ` +
        `sent ${p.sent.join(',')}; errors ${p.socket.messages.flatMap((m) => (m.type === 'error' ? [m.code] : [])).join(',')}`,
    )
    .join('\n')
}
