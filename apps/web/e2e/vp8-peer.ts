import { RTCPeerConnection, RTCRtpCodecParameters, useNACK, usePLI, useSdesMid } from 'werift'

/**
 * A werift peer of the test process for VP8 video: host candidates on loopback only (tests stay
 * there), one bundled transport. A sender offers the feedback a browser does (NACK, PLI) and
 * names its m-section in RTP (`mid`); a receiver only needs to ask for key frames.
 */
export const vp8Peer = (role: 'sender' | 'receiver') =>
  new RTCPeerConnection({
    bundlePolicy: 'max-bundle',
    iceServers: [],
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    codecs: {
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/VP8',
          clockRate: 90000,
          payloadType: 96,
          rtcpFeedback: role === 'sender' ? [useNACK(), usePLI()] : [usePLI()],
        }),
      ],
    },
    headerExtensions: role === 'sender' ? { video: [useSdesMid()] } : undefined,
  })
