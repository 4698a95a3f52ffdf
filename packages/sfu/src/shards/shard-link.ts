import { createSocket, type Socket } from 'node:dgram'
import type { RtpPacket } from 'werift'
import type { Logger } from '../log.ts'
import type { PublishedTrack } from '../media/published-track.ts'
import type { PacketSink, TrackSource } from '../media/track-source.ts'
import type { Session } from '../sessions/session.ts'
import { sectionSendsSimulcast } from '../api/simulcast.ts'
import { decodePipeDatagram, PipeBatch } from './pipe-wire.ts'
import { PipedTrack } from './piped-track.ts'
import type { CatalogEntry, FromShard, TrackControl, TrackKey } from './protocol.ts'

const LOOPBACK = '127.0.0.1'
/** A few hundred ms of a busy shard's inbound pipe, so a burst (a keyframe of every publisher) is not dropped. */
const PIPE_BUFFER_BYTES = 4 * 1024 * 1024

const keyOf = (k: TrackKey) => `${k.appId}\n${k.sessionId}\n${k.trackName}`

/** The publisher's end of one pipe: a sink on the local track that sends each packet to one other shard. */
class PipeOut implements PacketSink {
  readonly link: ShardLink
  readonly to: number
  readonly pipeId: number
  readonly track: PublishedTrack

  constructor(link: ShardLink, to: number, pipeId: number, track: PublishedTrack) {
    this.link = link
    this.to = to
    this.pipeId = pipeId
    this.track = track
  }

  onPacket(packet: RtpPacket, rid: string, arrivedAt: number): void {
    this.link.pipe(this.to, this.pipeId, rid, arrivedAt, packet)
  }

  onSourceClosed(): void {
    this.link.endOut(this)
  }
}

/**
 * One shard's side of the pipes between shards (mediasoup's PipeTransport, over plain RTP on
 * loopback UDP): the catalog of tracks published on other shards, the piped tracks this shard's
 * pullers follow, and the pipes out of this shard's published tracks. Control goes through the
 * main thread (`post`); packets never do.
 */
export class ShardLink {
  readonly socket: Socket
  private pipePorts: number[] = []
  private readonly catalog = new Map<string, CatalogEntry>()
  /** What this shard last told the others about each of its tracks, to send only changes. */
  private readonly announced = new Map<PublishedTrack, string>()
  private readonly piped = new Map<string, PipedTrack>()
  private readonly pipedById = new Map<number, PipedTrack>()
  private readonly outgoing = new Map<string, PipeOut>()
  private nextPipeId = 1
  /** Packets piped to each shard this event-loop turn, sent when the turn's I/O is done. */
  private readonly batches: PipeBatch[] = []
  private flushScheduled = false
  readonly shard: number
  private readonly post: (message: FromShard) => void
  private readonly log: Logger

  constructor(shard: number, post: (message: FromShard) => void, log: Logger) {
    this.shard = shard
    this.post = post
    this.log = log
    this.socket = createSocket({ type: 'udp4', recvBufferSize: PIPE_BUFFER_BYTES, sendBufferSize: PIPE_BUFFER_BYTES })
    this.socket.on('message', (data, from) => this.onDatagram(data, from.address, from.port))
    this.socket.on('error', (err) => this.log.error('pipe socket error', { err }))
  }

  async bind(): Promise<number> {
    await new Promise<void>((resolve) => this.socket.bind(0, LOOPBACK, resolve))
    return this.socket.address().port
  }

  setPeers(pipePorts: number[]): void {
    this.pipePorts = pipePorts
  }

  /**
   * Pipes one packet to shard `to`. The packets of one event-loop turn (the publishers' datagrams
   * libuv read in one poll) go out together at its end (`setImmediate`), so a turn costs each pipe
   * one send and the other shard one receive: per packet, both shards had paid a `dgram` send or
   * receive and a wake-up, the larger part of what a shard spent beyond the one-thread SFU.
   */
  pipe(to: number, pipeId: number, rid: string, arrivedAt: number, packet: RtpPacket): void {
    const batch = (this.batches[to] ??= new PipeBatch())
    if (!batch.fits(rid, packet)) this.send(to, batch)
    batch.add(pipeId, rid, arrivedAt, packet)
    if (!this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(this.flush)
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false
    this.batches.forEach((batch, to) => this.send(to, batch))
  }

  private send(to: number, batch: PipeBatch): void {
    if (batch.empty) return
    const datagram = batch.take()
    const port = this.pipePorts[to]
    if (port !== undefined && port >= 0) this.socket.send(datagram, port, LOOPBACK)
  }

  /** A local or piped track of `key`'s session, for a pull or an update on this shard. */
  findRemote(key: TrackKey): TrackSource | undefined {
    const entry = this.catalog.get(keyOf(key))
    if (!entry) return undefined
    const existing = this.piped.get(keyOf(key))
    if (existing && !existing.closed) return existing
    const track = new PipedTrack(entry, this.nextPipeId++, {
      open: (t) => this.control(t.entry.shard, { kind: 'open', pipeId: t.pipeId, ...key }),
      shut: (t) => {
        this.forget(t)
        this.control(t.entry.shard, { kind: 'shut', pipeId: t.pipeId })
      },
      keyframe: (t, force) => this.control(t.entry.shard, { kind: 'keyframe', pipeId: t.pipeId, force }),
    })
    this.piped.set(keyOf(key), track)
    this.pipedById.set(track.pipeId, track)
    return track
  }

  /** Control this shard sends about a pipe (see `onControl` for what it receives). */
  private control(to: number, control: TrackControl): void {
    if (control.kind !== 'keyframe') this.log.debug('pipe control sent', { to, ...control })
    this.post({ t: 'pipe', to, control })
  }

  /** Tells the other shards about this session's tracks that are new or renegotiated since last time. */
  announce(session: Session): void {
    const sdp = session.pc.currentRemoteDescription?.sdp
    for (const track of session.published.values()) {
      if (track.closed) continue
      const entry: CatalogEntry = {
        shard: this.shard,
        appId: session.appId,
        sessionId: session.id,
        trackName: track.name,
        kind: track.kind,
        mid: track.mid,
        codecs: track.codecs.map(({ payloadType, mimeType, clockRate, channels, rtcpFeedback, parameters }) => ({
          payloadType,
          mimeType,
          clockRate,
          channels,
          rtcpFeedback: rtcpFeedback.map((fb) => ({ ...fb })),
          parameters,
        })),
        simulcast: sdp !== undefined && track.mid !== undefined && sectionSendsSimulcast(sdp, track.mid),
      }
      const signature = JSON.stringify(entry)
      if (this.announced.get(track) === signature) continue
      this.announced.set(track, signature)
      this.post({ t: 'catalog', entry })
    }
  }

  /** A local track closed: no new pulls of it from other shards (its pipes end through their sinks). */
  unannounce(session: Session, track: PublishedTrack): void {
    if (!this.announced.delete(track)) return
    this.post({ t: 'uncatalog', appId: session.appId, sessionId: session.id, trackName: track.name })
  }

  addEntry(entry: CatalogEntry): void {
    this.catalog.set(keyOf(entry), entry)
    this.piped.get(keyOf(entry))?.update(entry)
  }

  removeEntry(key: TrackKey): void {
    this.catalog.delete(keyOf(key))
  }

  /** A control message from the shard `from`. */
  onControl(from: number, control: TrackControl, findLocal: (key: TrackKey) => PublishedTrack | undefined): void {
    const outKey = `${from}:${control.pipeId}`
    // Every control but a keyframe request (one per 100 ms while a puller waits) is one per pull.
    if (control.kind !== 'keyframe') this.log.debug('pipe control', { from, ...control })
    switch (control.kind) {
      case 'open': {
        const track = findLocal(control)
        if (!track || track.closed) {
          this.control(from, { kind: 'ended', pipeId: control.pipeId })
          return
        }
        const out = new PipeOut(this, from, control.pipeId, track)
        this.outgoing.set(outKey, out)
        track.addSink(out)
        return
      }
      case 'shut': {
        const out = this.outgoing.get(outKey)
        this.outgoing.delete(outKey)
        out?.track.removeSink(out)
        return
      }
      case 'keyframe':
        this.outgoing.get(outKey)?.track.requestKeyframe(control.force)
        return
      case 'ended': {
        const track = this.pipedById.get(control.pipeId)
        if (track) {
          this.forget(track)
          track.close()
        }
        return
      }
    }
  }

  endOut(out: PipeOut): void {
    this.outgoing.delete(`${out.to}:${out.pipeId}`)
    this.control(out.to, { kind: 'ended', pipeId: out.pipeId })
  }

  /** Another shard died: its tracks are gone, and so are the pipes to it. */
  shardDown(shard: number): void {
    for (const [key, entry] of this.catalog) if (entry.shard === shard) this.catalog.delete(key)
    for (const track of [...this.pipedById.values()]) {
      if (track.entry.shard !== shard) continue
      this.forget(track)
      track.close()
    }
    for (const out of [...this.outgoing.values()]) {
      if (out.to !== shard) continue
      this.outgoing.delete(`${out.to}:${out.pipeId}`)
      out.track.removeSink(out)
    }
    this.pipePorts = this.pipePorts.map((port, i) => (i === shard ? -1 : port))
  }

  close(): void {
    for (const out of this.outgoing.values()) out.track.removeSink(out)
    this.outgoing.clear()
    for (const track of this.pipedById.values()) track.close()
    // A flush already scheduled must not send on the closed socket (dgram throws there).
    this.batches.length = 0
    this.socket.close()
  }

  private forget(track: PipedTrack): void {
    this.pipedById.delete(track.pipeId)
    if (this.piped.get(keyOf(track.entry)) === track) this.piped.delete(keyOf(track.entry))
  }

  private onDatagram(data: Buffer, address: string, port: number): void {
    // Only the other shards' pipe sockets: anything else on loopback is not ours to forward.
    if (address !== LOOPBACK || !this.pipePorts.includes(port)) return
    decodePipeDatagram(data, (piped) =>
      this.pipedById.get(piped.pipeId)?.receive(piped.packet, piped.rid, piped.arrivedAt),
    )
  }
}
