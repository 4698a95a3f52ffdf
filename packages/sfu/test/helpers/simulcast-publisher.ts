import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtcpPayloadSpecificFeedback,
  RtpHeader,
  RTP_EXTENSION_URI,
  serializeSdesMid,
  serializeSdesRTPStreamID,
  useNACK,
  usePLI,
  useSdesMid,
  useSdesRTPStreamId,
  type RTCRtpTransceiver,
} from 'werift'
import type { CallsClient } from '@tangerine/contracts/calls/client'
import { connected, loopbackOnly, syntheticPayload } from './peer.ts'

const KEYFRAME_DELAY_FRAMES = 3

/**
 * A werift camera that sends three simulcast layers the way Chromium does: one `a=rid` each in the
 * offer, one SSRC each, the rid in every packet's `rtp-stream-id` extension. werift's sender cannot
 * send simulcast itself, so the packets go straight to the DTLS transport. Each layer's payloads
 * carry its tag (1 for "a", 2 for "b", 3 for "c") and its own counter; a PLI for a layer makes its
 * third packet from then a keyframe, as an encoder would some frames after the request.
 */
export class SimulcastPublisher {
  readonly pc = new RTCPeerConnection({
    ...loopbackOnly,
    codecs: {
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/VP8',
          clockRate: 90000,
          payloadType: 120,
          rtcpFeedback: [useNACK(), usePLI()],
        }),
      ],
    },
    headerExtensions: { video: [useSdesMid(), useSdesRTPStreamId()] },
  })
  readonly transceiver: RTCRtpTransceiver
  sessionId = ''
  /** Layers currently sending; take one out to pause it, as a browser does under congestion. */
  readonly sending = new Set(['a', 'b', 'c'])
  readonly sent = new Map<string, number>()
  private readonly layers = ['a', 'b', 'c'].map((rid, i) => ({
    rid,
    tag: i + 1,
    ssrc: 0x1000 + i,
    seq: Math.floor(Math.random() * 65536),
    ts: Math.floor(Math.random() * 2 ** 31),
    counter: 0,
    /** Frames until the keyframe asked for; 0 when none is. */
    keyframeIn: 1,
  }))
  private timer: NodeJS.Timeout | undefined

  constructor() {
    this.transceiver = this.pc.addTransceiver('video', {
      direction: 'sendonly',
      simulcast: this.layers.map(({ rid }) => ({ rid, direction: 'send' as const })),
    })
  }

  async publish(api: CallsClient, trackName: string): Promise<this> {
    this.sessionId = (await api.newSession()).sessionId
    await this.pc.setLocalDescription(await this.pc.createOffer())
    const response = await api.newTracks(this.sessionId, {
      sessionDescription: { type: 'offer', sdp: this.pc.localDescription!.sdp },
      tracks: [{ location: 'local', trackName, mid: this.transceiver.mid! }],
    })
    await this.pc.setRemoteDescription(response.sessionDescription!)
    await connected(this.pc, 'simulcast publisher connected')
    const transport = this.transceiver.sender.dtlsTransport
    transport.onRtcp.subscribe((packet) => {
      if (!(packet instanceof RtcpPayloadSpecificFeedback) || !('mediaSsrc' in packet.feedback)) return
      const { mediaSsrc } = packet.feedback
      const layer = this.layers.find((l) => l.ssrc === mediaSsrc)
      if (layer && layer.keyframeIn === 0) layer.keyframeIn = KEYFRAME_DELAY_FRAMES
    })
    this.timer = setInterval(() => this.tick(), 30)
    return this
  }

  private tick(): void {
    const transport = this.transceiver.sender.dtlsTransport
    const ids = Object.fromEntries(this.transceiver.headerExtensions.map((e) => [e.uri, e.id]))
    for (const layer of this.layers) {
      if (!this.sending.has(layer.rid)) continue
      layer.seq = (layer.seq + 1) & 0xffff
      layer.ts = (layer.ts + 2700) >>> 0
      // Like an encoder: a keyframe first, every 100 frames, and when asked.
      const asked = layer.keyframeIn > 0 && --layer.keyframeIn === 0
      const keyframe = asked || layer.counter % 100 === 0
      const header = new RtpHeader({
        ssrc: layer.ssrc,
        sequenceNumber: layer.seq,
        timestamp: layer.ts,
        marker: true,
        payloadType: 120,
        extension: true,
        extensions: [
          { id: ids[RTP_EXTENSION_URI.sdesMid]!, payload: serializeSdesMid(this.transceiver.mid!) },
          { id: ids[RTP_EXTENSION_URI.sdesRTPStreamID]!, payload: serializeSdesRTPStreamID(layer.rid) },
        ],
      })
      const payload = syntheticPayload(layer.tag, layer.counter++, 300, keyframe)
      this.sent.set(layer.rid, (this.sent.get(layer.rid) ?? 0) + 1)
      transport.sendRtp(payload, header).catch(() => undefined)
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer)
    await this.pc.close()
  }
}
