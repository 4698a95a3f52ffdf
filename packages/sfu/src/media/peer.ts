import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  useAbsSendTime,
  useFIR,
  useNACK,
  usePLI,
  useREMB,
  useRepairedRtpStreamId,
  useSdesMid,
  useSdesRTPStreamId,
  useTransportWideCC,
  useTWCC,
} from 'werift'
import { routeFeedbackByMediaSource } from './feedback-routing.ts'
import { followLatestNomination } from './follow-nomination.ts'
import { sendTransportFeedback } from './transport-feedback.ts'

followLatestNomination()

/** Where ICE listens and what it announces; the same for every peer connection. */
export interface IceOptions {
  announcedIp: string
  udpBindIp: string
  udpPortRange: [number, number] | undefined
}

// transport-cc lets werift's receiver feed back arrival times, which Chromium's send-side
// bandwidth estimation needs to ramp a publisher above its start bitrate.
const videoFeedback = () => [useNACK(), usePLI(), useFIR(), useREMB(), useTWCC()]

/**
 * Fixed payload types that match Chromium's defaults, so a pull offer made by the SFU
 * never maps a payload type that the same BUNDLE already uses for another codec.
 */
function codecs() {
  const rtx = (payloadType: number, apt: number) =>
    new RTCRtpCodecParameters({ mimeType: 'video/rtx', clockRate: 90000, payloadType, parameters: `apt=${apt}` })
  return {
    audio: [
      new RTCRtpCodecParameters({
        mimeType: 'audio/opus',
        clockRate: 48000,
        channels: 2,
        payloadType: 111,
        parameters: 'minptime=10;useinbandfec=1',
        rtcpFeedback: [useTWCC()],
      }),
    ],
    video: [
      new RTCRtpCodecParameters({
        mimeType: 'video/VP8',
        clockRate: 90000,
        payloadType: 96,
        rtcpFeedback: videoFeedback(),
      }),
      rtx(97, 96),
      new RTCRtpCodecParameters({
        mimeType: 'video/VP9',
        clockRate: 90000,
        payloadType: 98,
        parameters: 'profile-id=0',
        rtcpFeedback: videoFeedback(),
      }),
      rtx(99, 98),
      new RTCRtpCodecParameters({
        mimeType: 'video/H264',
        clockRate: 90000,
        payloadType: 102,
        parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
        rtcpFeedback: videoFeedback(),
      }),
      rtx(103, 102),
      new RTCRtpCodecParameters({
        mimeType: 'video/AV1',
        clockRate: 90000,
        payloadType: 45,
        rtcpFeedback: videoFeedback(),
      }),
      rtx(46, 45),
    ],
  }
}

function headerExtensions() {
  const common = () => [useSdesMid(), useAbsSendTime(), useTransportWideCC()]
  return {
    audio: common(),
    video: [...common(), useSdesRTPStreamId(), useRepairedRtpStreamId()],
  }
}

/**
 * One peer connection per session. No STUN/TURN servers: the SFU is the public end,
 * and its only candidate is a host candidate on the announced address.
 */
export function createPeer(ice: IceOptions, onStunRequest?: () => void): RTCPeerConnection {
  const pc = new RTCPeerConnection({
    bundlePolicy: 'max-bundle',
    codecs: codecs(),
    headerExtensions: headerExtensions(),
    iceServers: [],
    // Gather nothing from the interfaces: the announced address is the one candidate,
    // and its socket binds to udpBindIp (0.0.0.0 by default, so NAT setups work).
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [ice.announcedIp],
    iceInterfaceAddresses: { udp4: ice.udpBindIp },
    icePortRange: ice.udpPortRange,
    // Consent checks (every few seconds from browsers) prove the peer is still there
    // even when it sends no media.
    iceFilterStunResponse: () => {
      onStunRequest?.()
      return true
    },
  })
  routeFeedbackByMediaSource(pc)
  const stopFeedback = sendTransportFeedback(pc)
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'closed' || state === 'failed') stopFeedback()
  })
  return pc
}

export function isVideoMime(mimeType: string): boolean {
  return mimeType.toLowerCase().startsWith('video/')
}
