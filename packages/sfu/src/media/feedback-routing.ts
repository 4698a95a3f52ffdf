import {
  ReceiverEstimatedMaxBitrate,
  RtcpPayloadSpecificFeedback,
  type RTCPeerConnection,
  type RtcpPacket,
} from 'werift'

interface Router {
  ssrcTable: Record<number, { handleRtcpPacket(packet: RtcpPacket): void } | undefined>
  routeRtcp: (packet: RtcpPacket) => void
}

/**
 * werift hands a PLI or FIR to whatever its *sender* SSRC names before the media source it is
 * about. Chromium signs a receiver's feedback with the SSRC of one of its own outgoing streams,
 * and the SFU's receiver of that stream is in the table: a puller that publishes first (the first
 * person in a room) then asks for keyframes of the others' video in vain, and sees it only at the
 * next periodic keyframe, if ever. RFC 4585 names the stream by "SSRC of media source": route by it.
 */
export function routeFeedbackByMediaSource(pc: RTCPeerConnection): void {
  const router = (pc as unknown as { router: Router }).router
  const original = router.routeRtcp
  router.routeRtcp = (packet) => {
    if (packet instanceof RtcpPayloadSpecificFeedback && packet.feedback.count !== ReceiverEstimatedMaxBitrate.count) {
      const media = router.ssrcTable[packet.feedback.mediaSsrc]
      if (media) return media.handleRtcpPacket(packet)
    }
    original(packet)
  }
}
