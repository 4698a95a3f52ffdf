import type { TrackKind } from '@tangerine/contracts/calls/api'
import type { RTCRtpCodecParameters } from 'werift'
import type { SfuConfig } from '../config.ts'
import type { StatsParts } from '../media/forwarding-stats.ts'

/**
 * Messages between the main thread and the shards (worker threads). They never leave the
 * process, so they are typed, not parsed: every outside input was validated before it became one.
 */

/** A published track as other shards see it, so a pull there can be answered without asking. */
export interface CatalogEntry {
  shard: number
  appId: string
  sessionId: string
  trackName: string
  kind: TrackKind
  mid: string | undefined
  codecs: Array<
    Pick<RTCRtpCodecParameters, 'payloadType' | 'mimeType' | 'clockRate' | 'channels' | 'rtcpFeedback' | 'parameters'>
  >
  /** The publisher's SDP says `a=simulcast:send` for the track's section. */
  simulcast: boolean
}

export type TrackKey = Pick<CatalogEntry, 'appId' | 'sessionId' | 'trackName'>

/** A data channel some session publishes. */
export interface ChannelKey {
  appId: string
  sessionId: string
  dataChannelName: string
}

/** Between the two ends of one pipe: `open`, `shut` and `keyframe` go to the publisher's shard, `ended` back. */
export type PipeControl =
  | ({ kind: 'open'; pipeId: number } & TrackKey)
  | { kind: 'shut'; pipeId: number }
  | { kind: 'keyframe'; pipeId: number; force: boolean }
  | { kind: 'ended'; pipeId: number }
  // Data channels (channel-link.ts): subscriber → publisher open and replies, publisher → subscriber messages.
  | ({ kind: 'dc-open'; chanId: number } & ChannelKey)
  | { kind: 'dc-msg'; chanId: number; data: string | Uint8Array }
  | { kind: 'dc-reply'; chanId: number; data: string | Uint8Array }

export interface HttpCall {
  method: string
  url: string
  headers: Array<[string, string]>
  body: ArrayBuffer | null
}

export interface HttpReply {
  status: number
  headers: Array<[string, string]>
  body: ArrayBuffer
}

export interface ShardCounters {
  sessions: number
  stats: StatsParts
  /** This thread's CPU time (user + system) so far, from /proc/thread-self/stat; null where there is none. */
  cpuMs: number | null
}

export type ToShard =
  | { t: 'http'; id: number; call: HttpCall }
  | { t: 'counters'; id: number; reset: boolean }
  | { t: 'peers'; pipePorts: number[] }
  | { t: 'catalog'; entry: CatalogEntry }
  | ({ t: 'uncatalog' } & TrackKey)
  | ({ t: 'channel'; shard: number } & ChannelKey)
  | ({ t: 'unchannel' } & ChannelKey)
  | { t: 'pipe'; from: number; control: PipeControl }
  | { t: 'shard-down'; shard: number }
  | { t: 'close'; id: number }

export type FromShard =
  | { t: 'ready'; pipePort: number }
  | { t: 'http'; id: number; reply: HttpReply }
  | { t: 'counters'; id: number; counters: ShardCounters }
  | { t: 'catalog'; entry: CatalogEntry }
  | ({ t: 'uncatalog' } & TrackKey)
  | ({ t: 'channel'; shard: number } & ChannelKey)
  | ({ t: 'unchannel' } & ChannelKey)
  | { t: 'pipe'; to: number; control: PipeControl }
  | { t: 'session-closed'; sessionId: string }
  | { t: 'session-forgotten'; sessionId: string }
  | { t: 'closed'; id: number }

/** What a shard starts from: the config minus what does not cross threads (the apps map, TURN). */
export interface ShardInit {
  index: number
  config: Omit<SfuConfig, 'apps' | 'turn'> & { apps: Array<[string, string]> }
}

export type ChannelControl = Extract<PipeControl, { kind: 'dc-open' | 'dc-msg' | 'dc-reply' }>
export type TrackControl = Exclude<PipeControl, ChannelControl>

export const isChannelControl = (control: PipeControl): control is ChannelControl => control.kind.startsWith('dc-')
