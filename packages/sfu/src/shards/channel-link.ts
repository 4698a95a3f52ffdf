import type { RTCDataChannel } from 'werift'
import type { DataChannelRecord } from '../sessions/data-channel.ts'
import type { Session } from '../sessions/session.ts'
import type { ChannelControl, ChannelKey, FromShard } from './protocol.ts'

type Message = string | Buffer

const keyOf = (k: ChannelKey) => `${k.appId}\n${k.sessionId}\n${k.dataChannelName}`

/** Structured clone turns a Buffer into a plain Uint8Array; werift sends Buffers and strings. */
const asMessage = (data: string | Uint8Array): Message =>
  typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)

/**
 * A stand-in for a data channel on another shard, with the two members the relay code uses: the
 * publisher's shard puts one among its channel's subscribers (messages go out to the subscribing
 * shard), and the subscribing shard's stand-in source sends replies back to the publisher's.
 */
const remoteChannel = (send: (message: Message) => void) =>
  ({
    readyState: 'open',
    send,
  }) as unknown as RTCDataChannel

/**
 * Data channel subscriptions across shards. Messages are few next to media packets, so they take
 * the main thread's message path (no pipe socket): the publisher's shard relays each message of
 * a channel once per subscribing shard, which fans it out to its own subscribers with today's
 * code (`api/data-channels.ts`) through a stand-in source record.
 */
export class ChannelLink {
  private readonly catalog = new Map<string, { shard: number } & ChannelKey>()
  private readonly announced = new Map<Session, Set<string>>()
  /** Subscribing side: stand-in sources by channel key and by id. */
  private readonly sources = new Map<string, { chanId: number; record: DataChannelRecord }>()
  private readonly byId = new Map<number, DataChannelRecord>()
  /** Publishing side: the local channel each (shard, id) relays, for replies. */
  private readonly relayed = new Map<string, DataChannelRecord>()
  private nextId = 1
  private readonly post: (message: FromShard) => void

  constructor(post: (message: FromShard) => void) {
    this.post = post
  }

  /** Tells the other shards which channels this session publishes now, and which it stopped. */
  announce(session: Session, shard: number): void {
    const open = new Set(
      session.dataChannels.filter((c) => c.location === 'local' && !c.closed).map((c) => c.dataChannelName),
    )
    const before = this.announced.get(session) ?? new Set<string>()
    const key = (dataChannelName: string) => ({ appId: session.appId, sessionId: session.id, dataChannelName })
    for (const name of open) if (!before.has(name)) this.post({ t: 'channel', shard, ...key(name) })
    for (const name of before) if (!open.has(name)) this.post({ t: 'unchannel', ...key(name) })
    if (open.size > 0 && !session.closed) this.announced.set(session, open)
    else this.announced.delete(session)
  }

  add(entry: { shard: number } & ChannelKey): void {
    this.catalog.set(keyOf(entry), entry)
  }

  remove(key: ChannelKey): void {
    this.catalog.delete(keyOf(key))
  }

  /** The source record a subscription on this shard attaches to, for a channel published elsewhere. */
  find(key: ChannelKey): DataChannelRecord | undefined {
    const entry = this.catalog.get(keyOf(key))
    if (!entry) return undefined
    const existing = this.sources.get(keyOf(key))
    if (existing) return existing.record
    const chanId = this.nextId++
    const record: DataChannelRecord = {
      location: 'local',
      dataChannelName: key.dataChannelName,
      id: -1,
      sessionId: key.sessionId,
      channel: remoteChannel((message) =>
        this.post({ t: 'pipe', to: entry.shard, control: { kind: 'dc-reply', chanId, data: message } }),
      ),
      closed: false,
      subscribers: new Set(),
    }
    this.sources.set(keyOf(key), { chanId, record })
    this.byId.set(chanId, record)
    this.post({ t: 'pipe', to: entry.shard, control: { kind: 'dc-open', chanId, ...key } })
    return record
  }

  /** Channel control from shard `from`; `findLocal` finds a channel this shard publishes. */
  onControl(
    from: number,
    control: ChannelControl,
    findLocal: (key: ChannelKey) => DataChannelRecord | undefined,
  ): void {
    switch (control.kind) {
      case 'dc-open': {
        const local = findLocal(control)
        if (!local) return
        this.relayed.set(`${from}:${control.chanId}`, local)
        local.subscribers.add(
          remoteChannel((message) =>
            this.post({ t: 'pipe', to: from, control: { kind: 'dc-msg', chanId: control.chanId, data: message } }),
          ),
        )
        return
      }
      case 'dc-msg': {
        const record = this.byId.get(control.chanId)
        if (!record) return
        const message = asMessage(control.data)
        for (const subscriber of record.subscribers) if (subscriber.readyState === 'open') subscriber.send(message)
        return
      }
      case 'dc-reply': {
        const local = this.relayed.get(`${from}:${control.chanId}`)
        if (local && !local.closed && local.channel.readyState === 'open') local.channel.send(asMessage(control.data))
        return
      }
    }
  }

  /** Another shard died: its channels are gone. */
  shardDown(shard: number): void {
    for (const [key, entry] of this.catalog) if (entry.shard === shard) this.catalog.delete(key)
  }
}
