import type { RtpPacket } from 'werift'
import type { Logger } from '../log.ts'
import type { PacketSink } from './track-source.ts'
import type { PublishedTrack } from './published-track.ts'

/** Long enough to smooth a frame's burst, short enough to date a paused layer to the second. */
const WINDOW_MS = 1000

/**
 * Debug log of what a publisher sends: each time the set of simulcast layers that carried
 * packets in the last second changes, one line with the packets per layer. A browser pauses its
 * top layers when its bandwidth estimate drops, and a viewer's layer can only be read against
 * that; so can keyframe requests (`plis`, each one makes every layer send a keyframe, a burst
 * that can pull the browser's estimate down): a window with any is logged too. A sink like any
 * puller's, so only a debug log pays for it.
 */
export function logLayers(track: PublishedTrack, log: Logger): void {
  if (!log.debugging || track.kind !== 'video') return
  const counts = new Map<string, number>()
  let last = ''
  let plisBefore = 0
  const timer = setInterval(() => {
    const active = [...counts.keys()].sort().join('')
    const plis = track.plisSent - plisBefore
    plisBefore = track.plisSent
    if (active !== last || plis > 0) {
      log.debug('publisher layers', {
        track: `${track.sessionId}/${track.name}`,
        active,
        plis,
        ...Object.fromEntries(counts),
      })
    }
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
