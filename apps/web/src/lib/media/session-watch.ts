/**
 * Notices quickly that the media plane lost our Calls session (the SFU restarted, so it no
 * longer knows it) and has partytracks start a new one. partytracks by itself waits for ICE to
 * stay `disconnected` for 7 s, or to reach `failed` (about 30 s), before it does, and Chromium
 * takes about 5 s to call ICE `disconnected`: a meeting would sit without media long after the
 * SFU is back.
 *
 * So the peer connection is read every `intervalMs`: when nothing has come from the SFU for
 * `stallMs` (media, RTCP and STUN answers alike stop when it dies) or ICE is in trouble, the
 * session is looked up at the SFU (through the media service, as every Calls call). An SFU that
 * is down does not answer and we keep asking; one that answers that it has no such session
 * (`session_error`, 404/410) means the session is gone for good, and a new one is made at once.
 * A session the SFU still knows is left to ICE, which comes back by itself after a short drop.
 */

export type SessionLookup = 'gone' | 'alive' | 'unreachable'

/** What the SFU said of a session, from the answer to `GET /sessions/:id`. */
export async function lookupOf(res: Response): Promise<SessionLookup> {
  if (res.ok) return 'alive'
  if (res.status === 404 || res.status === 410) return 'gone'
  const body = (await res.json().catch(() => undefined)) as { errorCode?: unknown } | undefined
  return body?.errorCode === 'session_error' ? 'gone' : 'unreachable'
}

export interface SessionWatch {
  /** Asks the SFU about the session. */
  lookup(sessionId: string): Promise<SessionLookup>
  /** Media stopped flowing (ICE lost the SFU, or the SFU is down or lost our session). */
  onLost(): void
  intervalMs?: number
  stallMs?: number
}

/**
 * After the SFU said the session is fine while nothing arrived (a lone person with camera and
 * mic off gets little), it is not asked again for this long unless ICE itself is in trouble.
 */
const QUIET_AFTER_ALIVE_MS = 5000

const troubled = (pc: RTCPeerConnection) =>
  pc.iceConnectionState === 'disconnected' ||
  pc.iceConnectionState === 'failed' ||
  pc.connectionState === 'disconnected' ||
  pc.connectionState === 'failed'

/** Whether nothing has arrived on the connection's selected candidate pair for `stallMs`. */
async function stalled(pc: RTCPeerConnection, stallMs: number): Promise<boolean> {
  const stats = await pc.getStats()
  let quietFor: number | undefined
  stats.forEach((s: RTCIceCandidatePairStats & { lastPacketReceivedTimestamp?: number }) => {
    if (s.type !== 'candidate-pair' || !s.nominated || s.lastPacketReceivedTimestamp === undefined) return
    const quiet = s.timestamp - s.lastPacketReceivedTimestamp
    quietFor = quietFor === undefined ? quiet : Math.min(quietFor, quiet)
  })
  return quietFor !== undefined && quietFor > stallMs
}

/**
 * Watches one session's peer connection until the returned function is called (the session is
 * replaced or the page leaves).
 */
export function watchSession(pc: RTCPeerConnection, sessionId: string, watch: SessionWatch): () => void {
  const { intervalMs = 500, stallMs = 1000 } = watch
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  let lost = false
  let quietUntil = 0
  const lose = () => {
    if (lost) return
    lost = true
    watch.onLost()
  }

  // A function, not a narrowed read: the state changes across the awaits below.
  const over = () => stopped || pc.connectionState === 'closed'
  const tick = async () => {
    if (over()) return
    const ice = troubled(pc)
    const quiet = !ice && pc.connectionState === 'connected' && (await stalled(pc, stallMs).catch(() => false))
    if (ice || (quiet && Date.now() >= quietUntil)) {
      const found = await watch.lookup(sessionId).catch((): SessionLookup => 'unreachable')
      if (over()) return
      if (ice || found !== 'alive') lose()
      if (found === 'gone') return renew(pc)
      if (found === 'alive' && !ice) quietUntil = Date.now() + QUIET_AFTER_ALIVE_MS
    }
    timer = setTimeout(tick, intervalMs)
  }
  timer = setTimeout(tick, intervalMs)
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}
/**
 * Has partytracks replace the session now. It makes a new one when the peer connection reports
 * `closed`, but `close()` fires no state event (per the WebRTC spec), so the event it listens
 * for is sent by hand after closing: it then reads `connectionState === 'closed'`.
 */
function renew(pc: RTCPeerConnection) {
  pc.close()
  pc.dispatchEvent(new Event('connectionstatechange'))
}
