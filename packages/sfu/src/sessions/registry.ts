import type { IceOptions } from '../media/peer.ts'
import type { PublishedTrack } from '../media/published-track.ts'
import type { TrackSource } from '../media/track-source.ts'
import type { DataChannelRecord } from './data-channel.ts'
import { CallsError } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { SfuConfig } from '../config.ts'
import { Session } from './session.ts'
import { ForwardingStats } from '../media/forwarding-stats.ts'
import { loadFastSend, type FastSend } from '../media/fast-send.ts'

export interface RegistryOptions {
  ice: IceOptions
  sessionIdleTimeoutMs: number
  trackIdleTimeoutMs: number
  closedSessionMemoryMs: number
  /** Forward through the native seal-and-send when it is built (`media/fast-send.ts`). */
  fastSend: boolean
}

/** A registry's options, from the SFU's configuration (a shard's has its own slice of ports). */
export const registryOptions = (
  config: Pick<
    SfuConfig,
    | 'announcedIp'
    | 'udpBindIp'
    | 'udpPortRange'
    | 'sessionIdleTimeoutMs'
    | 'trackIdleTimeoutMs'
    | 'closedSessionMemoryMs'
    | 'fastSend'
  >,
): RegistryOptions => ({
  ice: { announcedIp: config.announcedIp, udpBindIp: config.udpBindIp, udpPortRange: config.udpPortRange },
  sessionIdleTimeoutMs: config.sessionIdleTimeoutMs,
  trackIdleTimeoutMs: config.trackIdleTimeoutMs,
  closedSessionMemoryMs: config.closedSessionMemoryMs,
  fastSend: config.fastSend,
})

/** How a shard's registry reaches the others (`shards/shard-worker.ts`); absent when there is one. */
export interface ShardHooks {
  /** A track published in a session of another shard. */
  findRemote(appId: string, sessionId: string, trackName: string): TrackSource | undefined
  /** A data channel published in a session of another shard. */
  findRemoteChannel(appId: string, sessionId: string, name: string): DataChannelRecord | undefined
  trackClosed(session: Session, track: PublishedTrack): void
  sessionClosed(session: Session): void
  /** The closed session's id is no longer remembered (answers "not found" from now on). */
  sessionForgotten(sessionId: string): void
}

/**
 * Every live session, and the garbage collector that closes what clients abandon:
 * partytracks rebuilds a failed session without closing the old one, so sessions
 * without a transport and tracks without media must go away by themselves.
 */
export class SessionRegistry {
  readonly stats = new ForwardingStats()
  /** The native seal-and-send every forwarded copy takes, when configured and built. */
  readonly fastSend: FastSend | undefined
  private readonly sessions = new Map<string, Session>()
  /** Closed session id → when it closed, so late calls are told it closed rather than that it is unknown. */
  private readonly closedAt = new Map<string, number>()
  private readonly timer: NodeJS.Timeout
  private readonly options: RegistryOptions
  private readonly log: Logger
  hooks: ShardHooks | undefined

  constructor(options: RegistryOptions, log: Logger) {
    this.options = options
    this.log = log
    if (options.fastSend) {
      const loaded = loadFastSend()
      this.fastSend = loaded.fastSend
      if (loaded.fastSend) log.info('forwarding through the native seal-and-send')
      else log.warn('forwarding through JavaScript (slower)', { reason: loaded.reason })
    }
    const every = Math.max(50, Math.min(1000, Math.min(options.sessionIdleTimeoutMs, options.trackIdleTimeoutMs) / 4))
    this.timer = setInterval(() => this.sweep(), every)
    this.timer.unref()
  }

  get size(): number {
    return this.sessions.size
  }

  all(): IterableIterator<Session> {
    return this.sessions.values()
  }

  create(appId: string, thirdparty: boolean): Session {
    const session = new Session(appId, thirdparty, this.options.ice, this.log, this.fastSend)
    session.onClosed = () => {
      this.sessions.delete(session.id)
      this.closedAt.set(session.id, Date.now())
      this.hooks?.sessionClosed(session)
    }
    session.onUnpublished = (track) => this.hooks?.trackClosed(session, track)
    this.sessions.set(session.id, session)
    this.log.info('session created', { sessionId: session.id, appId, thirdparty })
    return session
  }

  /**
   * The caller's session, or `410 session_error` whether it closed or was never seen: the error-code
   * page gives `session_error` with 410 for "check the session ID" and with 425 only for a session
   * still connecting (https://developers.cloudflare.com/realtime/sfu/observability/error-codes/).
   */
  get(appId: string, sessionId: string): Session {
    const session = this.sessions.get(sessionId)
    if (session && session.appId === appId) return session
    if (this.closedAt.has(sessionId)) {
      throw new CallsError(410, 'session_error', 'Session has expired or was closed')
    }
    throw new CallsError(410, 'session_error', `Session ${sessionId.slice(0, 64)} not found`)
  }

  /** A live session of the same app, without the error a caller's own lookup gets. */
  findSession(appId: string, sessionId: string): Session | undefined {
    const session = this.sessions.get(sessionId)
    return session && session.appId === appId ? session : undefined
  }

  /** A data channel another session of the same app publishes: on this shard, or relayed from another. */
  findChannel(appId: string, sessionId: string, name: string): DataChannelRecord | undefined {
    const session = this.sessions.get(sessionId)
    if (!session) return this.hooks?.findRemoteChannel(appId, sessionId, name)
    return session.appId === appId ? session.publishedChannel(name) : undefined
  }

  /** A track another session of the same app publishes, if it is live: on this shard, or piped from another. */
  findPublished(appId: string, sessionId: string, trackName: string): TrackSource | undefined {
    const session = this.sessions.get(sessionId)
    if (!session) return this.hooks?.findRemote(appId, sessionId, trackName)
    if (session.appId !== appId) return undefined
    return session.published.get(trackName)
  }

  /** A track published on this shard only (what another shard's pipe asks for). */
  findLocal(appId: string, sessionId: string, trackName: string): PublishedTrack | undefined {
    const session = this.sessions.get(sessionId)
    return session && session.appId === appId ? session.published.get(trackName) : undefined
  }

  sweep(now = Date.now()): void {
    const { sessionIdleTimeoutMs, trackIdleTimeoutMs, closedSessionMemoryMs } = this.options
    for (const session of [...this.sessions.values()]) {
      if (session.connected && now - session.lastInboundAt <= sessionIdleTimeoutMs) {
        session.lastAliveAt = now
      } else if (now - session.lastAliveAt > sessionIdleTimeoutMs) {
        session.close('no connection')
        continue
      }
      for (const track of [...session.published.values()]) {
        // A sendrecv transceiver also carries media back to its peer; it lives as
        // long as its session does, whether or not the peer speaks.
        if (track.bidirectional) continue
        const lastMedia = track.lastPacketAt ?? track.createdAt
        if (now - lastMedia > trackIdleTimeoutMs) {
          this.log.info('track idle, closing', { sessionId: session.id, trackName: track.name })
          session.unpublish(track)
        }
      }
    }
    for (const [id, at] of this.closedAt) {
      if (now - at > closedSessionMemoryMs) {
        this.closedAt.delete(id)
        this.hooks?.sessionForgotten(id)
      }
    }
  }

  close(): void {
    clearInterval(this.timer)
    for (const session of [...this.sessions.values()]) session.close('server shutdown')
  }
}
