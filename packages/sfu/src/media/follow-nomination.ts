import { CandidatePairState, Connection, type CandidatePair } from 'werift'

type CheckComplete = (this: Connection, pair: CandidatePair) => void

/**
 * werift keeps the first pair the remote nominates and ignores later nominations (RFC 8445's
 * letter). Chromium, when it has a TURN server, often nominates a relayed pair first and switches
 * to the direct one once that succeeds; it then lets the relayed path go. Sending on the first
 * pair then loses everything the SFU sends, RTCP included: a publisher never hears a keyframe
 * request, so a track pushed later (a shared screen) never shows at the other end. Like libwebrtc
 * and other SFUs, the controlled side follows the latest pair the controlling side nominates.
 */
export function followLatestNomination(): void {
  const proto = Connection.prototype as unknown as { checkComplete: CheckComplete; followsNomination?: true }
  if (proto.followsNomination) return
  const original = proto.checkComplete
  proto.checkComplete = function (this: Connection, pair: CandidatePair) {
    const current = this.nominated
    if (
      current &&
      current !== pair &&
      pair.nominated &&
      pair.state === CandidatePairState.SUCCEEDED &&
      !this.iceControlling &&
      (pair.remoteCandidate.generation === undefined || pair.remoteCandidate.generation === this.generation)
    ) {
      this.nominated = pair
    }
    original.call(this, pair)
  }
  proto.followsNomination = true
}
