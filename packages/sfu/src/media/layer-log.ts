import type { RtpPacket } from 'werift'
import type { Logger } from '../log.ts'
import type { PacketSink, TrackSource } from './track-source.ts'

/** Long enough to smooth a frame's burst, short enough to date a paused layer to the second. */
const WINDOW_MS = 1000

/**
 * Debug log of what a publisher sends: each time the set of simulcast layers that carried
 * packets in the last second changes, one line with the packets per layer. A browser pauses its
 * top layers when its bandwidth estimate drops, and a viewer's layer can only be read against
 * that. A sink like any puller's, so only a debug log pays for it.
 */
export function logLayers(track: TrackSource, log: Logger): void {
  if (!log.debugging || track.kind !== 'video') return
  const counts = new Map<string, number>()
  let last = ''
  const timer = setInterval(() => {
    const active = [...counts.keys()].sort().join('')
    if (active !== last)
      log.debug('publisher layers', {
        track: `${track.sessionId}/${track.name}`,
        active,
        ...Object.fromEntries(counts),
      })
    last = active
    counts.clear()
  }, WINDOW_MS)
  timer.unref()
  const sink: PacketSink = {
    onPacket(_packet: RtpPacket, rid: string) {
      counts.set(rid, (counts.get(rid) ?? 0) + 1)
    },
    onSourceClosed() {
      clearInterval(timer)
    },
  }
  track.addSink(sink)
}
