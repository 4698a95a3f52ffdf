import {
  decodeIdentity,
  IDENTITY_HEADER,
  ownsUserId,
  RoomSocketQuery,
  type LoggedEvent,
  type QuarantineEntry,
  type RoomErrorCode,
  type RoomHealth,
  type RoomState,
  type ServerMessage,
} from '@tangerine/contracts'
import { AI_SERVICE, type RoomAiCommand, type RoomAiResult } from '@tangerine/contracts/ai/api'
import type {
  OperatorAction,
  OperatorActionResult,
  OpsEventsPage,
  OpsEventsQuery,
  OpsStateAt,
} from '@tangerine/contracts/ops/api'
import { log } from '@tangerine/contracts/log'
import { Server, type Connection, type ConnectionContext, type WSMessage } from 'partyserver'
import { afterAppend } from './aftermath.ts'
import { AiCallStore } from './ai-call.ts'
import { viewOf } from './audience.ts'
import { aiCommandFor, commandFor } from './commands.ts'
import { heartbeatMsOf, limitsOf } from './config.ts'
import type { ConnectionState } from './connection-state.ts'
import { decide, type RoomCommand } from './decide.ts'
import { RoomError } from './decision.ts'
import { refusalCloseCode } from './departures.ts'
import { EventStore } from './event-store.ts'
import { broadcast, closeDeparted, firstFrame, keyOf } from './fanout.ts'
import { readFrame } from './inbound.ts'
import { groupUpkeep, keyPackageFrame } from './mls.ts'
import { opsEventsPage, stateAt } from './ops-log.ts'
import { OPERATOR_ACTOR, operatorCommandFor } from './operator-actions.ts'
import { staleUsers } from './presence.ts'
import { fullBucket } from './rate-limit.ts'

type Conn = Connection<ConnectionState>

/**
 * One room. Its truth is the event log; `state` and `seq` are the cached fold of it.
 * Hooks only parse, decide, append, evolve and broadcast.
 * (`Server`'s default Env is `Cloudflare.Env`, which this Worker's generated types make RoomsEnv.)
 */
export class Room extends Server {
  static override options = { hibernate: true }

  readonly #store: EventStore
  readonly #aiCall: AiCallStore
  #state!: RoomState
  #seq = 0
  /** When this object started: a user with no socket yet (the runtime restarted) is timed out only so long after it. */
  readonly #awakeSince = Date.now()

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env)
    this.#store = new EventStore(ctx.storage, ctx.id.name ?? ctx.id.toString())
    this.#aiCall = new AiCallStore(ctx.storage)
    void ctx.blockConcurrencyWhile(async () => {
      await this.#store.migrate()
      ;({ state: this.#state, seq: this.#seq } = this.#store.load())
    })
  }

  get #sockets() {
    return this.getConnections<ConnectionState>()
  }

  override async onConnect(connection: Conn, ctx: ConnectionContext) {
    const identity = decodeIdentity(ctx.request.headers.get(IDENTITY_HEADER))
    const query = RoomSocketQuery.safeParse(Object.fromEntries(new URL(ctx.request.url).searchParams))
    if (!identity || !query.success || !ownsUserId(identity, connection.id)) {
      // The rooms Worker checks these before it routes here; this is the object's own guard.
      this.#send(connection, {
        type: 'error',
        code: 'invalid_message',
        error: 'Missing identity, bad query or not your user id',
      })
      connection.close(1008, 'Missing identity, bad query or not your user id')
      return
    }
    const { key } = identity
    // Sockets, not only users: one tab id may open any number of them. Twice the users allowed
    // leaves room for reconnects that overlap a socket not yet seen to close.
    const sockets = [...this.#sockets].filter((c) => key && c.state?.key === key).length
    if (sockets >= limitsOf(this.env).perIdentity * 2) {
      return this.#refuse(
        connection,
        new RoomError('too_many_connections', `Too many sockets of yours in this room (${sockets})`),
      )
    }
    let logged: LoggedEvent[]
    try {
      // The name is the identity's: an Access (or directory) name is verified, and stays as it is.
      const data = { userId: connection.id, name: identity.name, verified: identity.source === 'access', key }
      logged = await this.#run({ type: 'Connect', data, metadata: this.#metadata(connection.id) })
    } catch (err) {
      if (err instanceof RoomError) return this.#refuse(connection, err)
      throw err
    }
    // Only now a socket of the room: everything it may see starts with what is sent next.
    const now = Date.now()
    connection.setState({ userId: connection.id, key, lastSeen: now, bucket: fullBucket(now) })
    this.#send(connection, firstFrame(this.#store, this.#state, this.#seq, connection.id, query.data.since))
    if (logged.length > 0 || (await this.ctx.storage.getAlarm()) === null) await this.#scheduleSweep()
  }

  override async onMessage(connection: Conn, raw: WSMessage) {
    if (!connection.state) return
    const [state, inbound] = readFrame(raw, connection.state, Date.now())
    if (state !== connection.state) connection.setState(state)
    if (!inbound.ok) {
      this.#fail(connection, inbound.code, inbound.error)
      if (inbound.close) connection.close(inbound.close.code, inbound.close.reason)
      return
    }
    const { message } = inbound
    switch (message.type) {
      case 'heartbeat':
        return
      case 'partyserver-ping':
        return this.#send(connection, { type: 'partyserver-pong' })
      case 'mlsKeyPackage': {
        // Key exchange is the meeting's business: from and to people in it, never the lobby.
        let frame: string
        try {
          frame = keyPackageFrame(this.#state, state.userId, message.payload)
          await this.#run({
            type: 'OfferKeyPackage',
            data: { userId: state.userId, ...(message.lost ? { lost: true } : {}) },
            metadata: this.#metadata(state.userId),
          })
        } catch (err) {
          if (err instanceof RoomError) return this.#fail(connection, err.code, err.message)
          throw err
        }
        for (const c of this.#sockets) {
          if (c.id !== connection.id && c.state && viewOf(this.#state, c.state.userId) === 'meeting') c.send(frame)
        }
        return
      }
    }
    try {
      await this.#run(commandFor(message, state.userId, this.#metadata(state.userId), (id) => keyOf(this.#sockets, id)))
    } catch (err) {
      if (err instanceof RoomError) return this.#fail(connection, err.code, err.message)
      throw err
    }
    if (message.type === 'userLeft') connection.close(1000, 'left')
  }

  override onError(connection: Conn, error: unknown) {
    log('error', 'room socket error', { room: this.name, connection: connection.id, error: String(error) })
  }

  /** Times out users whose sockets went quiet, then sleeps until the next sweep if anyone is left. */
  override async onAlarm() {
    const now = Date.now()
    const lastSeen = new Map<string, number>()
    for (const c of this.#sockets) {
      if (c.state) lastSeen.set(c.state.userId, Math.max(lastSeen.get(c.state.userId) ?? 0, c.state.lastSeen))
    }
    for (const userId of staleUsers(this.#state, lastSeen, now, heartbeatMsOf(this.env), this.#awakeSince)) {
      await this.#run({ type: 'Disconnect', data: { userId, reason: 'timeout' }, metadata: this.#metadata('system') })
      for (const c of this.#sockets) if (c.state?.userId === userId) c.close(4001, 'timed out')
    }
    if (this.#state.users.length > 0) await this.#scheduleSweep()
  }

  /** For the ops view and the other services: the state as of `seq`, and whether the log loaded whole. */
  getState(): { seq: number; state: RoomState; health: RoomHealth } {
    return { seq: this.#seq, state: this.#state, health: this.#store.health() }
  }

  /** For the ops view: what loading the log set aside, newest first, before id `before`. */
  getQuarantine(before: number | undefined, limit: number): { entries: QuarantineEntry[] } {
    return { entries: this.#store.quarantined(before, limit) }
  }

  /** A page of the log, newest first, before `before` (exclusive). */
  getEvents(before: number | undefined, limit: number): { events: LoggedEvent[]; seq: number } {
    return { events: this.#store.before(before ?? this.#seq + 1, limit), seq: this.#seq }
  }

  /** For the ops view: a page of the log filtered by type and user, with the quarantined rows of its range. */
  getOpsEvents(query: OpsEventsQuery): OpsEventsPage {
    return opsEventsPage(this.ctx.storage, this.#seq, query)
  }

  /** For the ops view's scrubber: the log folded up to `seq`. */
  getStateAt(seq: number): OpsStateAt {
    return stateAt(this.ctx.storage, this.#seq, seq)
  }

  /** The ai Worker's side of the AI participant, decided by the same rules as everything else. */
  async runAiCommand(command: RoomAiCommand): Promise<RoomAiResult> {
    const metadata = { now: new Date().toISOString(), actor: AI_SERVICE, id: crypto.randomUUID() }
    const before = this.#state.ai
    let logged: LoggedEvent[]
    try {
      logged = await this.#run(aiCommandFor(command, metadata))
    } catch (err) {
      if (err instanceof RoomError) return { ok: false, code: err.code, error: err.message }
      throw err
    }
    if (command.type === 'CompleteAi')
      await this.#aiCall.remember({ sessionId: command.sessionId, callId: command.callId })
    const ended = await this.#aiCall.takeIfEnded(before, logged)
    return { ok: true, seq: this.#seq, state: this.#state, ...(ended ? { ended } : {}) }
  }

  /** An operator's action from the dashboard, decided like the host's and logged with their name. */
  async runOperatorAction(action: OperatorAction, operator: string): Promise<OperatorActionResult> {
    const metadata = { now: new Date().toISOString(), actor: OPERATOR_ACTOR, id: crypto.randomUUID() }
    try {
      await this.#run(operatorCommandFor(action, operator, metadata, (id) => keyOf(this.#sockets, id)))
    } catch (err) {
      if (err instanceof RoomError) return { ok: false, code: err.code, error: err.message }
      throw err
    }
    return { ok: true, seq: this.#seq }
  }

  async ping(): Promise<number> {
    return this.ctx.storage.sql.exec<{ one: number }>('SELECT 1 AS one').one().one
  }

  async #run(command: RoomCommand): Promise<LoggedEvent[]> {
    const decided = decide(this.#state, command, limitsOf(this.env))
    const fresh = [...decided, ...groupUpkeep(this.#state, this.#seq, decided, command.metadata)]
    if (fresh.length === 0) return []
    const before = this.#state
    const { state, seq, logged } = this.#store.append(this.#state, this.#seq, fresh)
    this.#state = state
    this.#seq = seq
    broadcast(this.#sockets, logged, before, state, seq)
    closeDeparted(this.#sockets, logged, before)
    await afterAppend(this.env, this.name, this.#aiCall, { logged, before, state, seq })
    return logged
  }

  #refuse(connection: Conn, err: RoomError) {
    this.#fail(connection, err.code, err.message)
    connection.close(refusalCloseCode(err.code), err.message.slice(0, 120))
  }

  #metadata(actor: string) {
    return {
      now: new Date().toISOString(),
      actor: actor === 'system' ? 'system' : `user:${actor}`,
      id: crypto.randomUUID(),
    }
  }

  async #scheduleSweep() {
    await this.ctx.storage.setAlarm(Date.now() + heartbeatMsOf(this.env))
  }

  #send(connection: Conn, message: ServerMessage) {
    connection.send(JSON.stringify(message))
  }

  #fail(connection: Conn, code: RoomErrorCode, error: string) {
    this.#send(connection, { type: 'error', code, error })
  }
}
