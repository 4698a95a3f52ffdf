import type { RTCDataChannel } from 'werift'

/** One negotiated data channel of a session; a local one fans its messages out to subscribers. */
export interface DataChannelRecord {
  location: 'local' | 'remote'
  dataChannelName: string
  id: number
  /** The publisher's session, for remote channels. */
  sessionId?: string
  channel: RTCDataChannel
  closed: boolean
  subscribers: Set<RTCDataChannel>
  /** For a remote channel: detaches it from its publisher. */
  detach?: () => void
  /** For a remote channel: the publisher's. */
  source?: DataChannelRecord
  /** For a local channel: the one subscriber that may send back to it (`canReply`). */
  replier?: DataChannelRecord
  /** For a `waitForAck` subscriber: relaying starts with its first message (the ack). */
  acked?: boolean
  ackTimer?: ReturnType<typeof setTimeout>
}

/** Idempotent: a session closing and an explicit close can both reach the same channel. */
export function closeChannel(record: DataChannelRecord): void {
  if (record.closed) return
  record.closed = true
  record.detach?.()
  record.subscribers.clear()
  record.channel.close()
}
