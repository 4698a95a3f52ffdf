import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift'
import { readCallRequest, refusal, type Refusal } from './openai-realtime-request.ts'

/*
 * A stand-in for OpenAI's Realtime WebRTC endpoint, for tests only, as strict as OpenAI about the
 * request (openai-realtime-request.ts): `POST /v1/realtime/calls` with a Bearer token (else 401
 * `invalid_api_key`), no query string, a multipart `sdp` + `session` whose `type` is "realtime"
 * and whose model and voice are OpenAI's; every refusal in OpenAI's error shape
 * `{error: {message, type, param, code}}`. The retired beta shape (`POST /v1/realtime`) gets
 * OpenAI's `beta_api_shape_disabled`. It answers `201 application/sdp` with the call in
 * `Location: /v1/realtime/calls/{call_id}`, as an ICE-lite werift peer, speaks (Opus frames of
 * noise, which a browser decodes to a clearly non-silent signal) and counts the audio it receives.
 * `POST /v1/realtime/calls/{call_id}/hangup` (same token) ends a call, closes its peer connection
 * and is recorded. Test control:
 *   GET  /test/calls            every call with what it was asked and what it heard
 *   POST /test/mode {mode}      `ok` | `500` | `403` | `bad-sdp` | `hang` | `unusable-sdp` for the requests that follow
 * and path prefixes `/status/500/…`, `/status/403/…`, `/bad-sdp/…`, `/hang/…` and `/unusable-sdp/…`
 * fail one request without changing the mode. `403` is OpenAI's answer to a key without access
 * to the model or region (error code `model_not_found`/`unsupported_country_region_territory`);
 * `hang` takes the offer and never answers; `bad-sdp` makes the call (it exists until hung up) but
 * answers with something that is not SDP; `unusable-sdp` makes the call but answers with an SDP
 * without its DTLS fingerprint, which the SFU must refuse.
 */

export type PeerMode = 'ok' | '500' | '403' | 'bad-sdp' | 'hang' | 'unusable-sdp'

export interface RealtimeCall {
  id: string
  model: string
  voice?: string
  instructions?: string
  /** `session.audio.input.turn_detection` as sent (absent: OpenAI's default). */
  turnDetection?: unknown
  /** The `OpenAI-Safety-Identifier` header, if sent. */
  safetyIdentifier?: string
  connectionState: string
  packetsSent: number
  packetsReceived: number
  bytesReceived: number
  /** When the last inbound RTP packet arrived (ms since epoch), 0 if none. */
  lastReceivedAt: number
  closed: boolean
  /** Whether the call was ended with the hang-up call. */
  hungUp: boolean
}

export interface RealtimePeer {
  url: string
  port: number
  token: string
  calls(): RealtimeCall[]
  setMode(mode: PeerMode): void
  close(): Promise<void>
}

/** Opus TOC 0xF8: CELT-only, fullband, 20 ms, mono, one frame; the rest is the coded frame. */
const noiseFrame = () => Buffer.concat([Buffer.from([0xf8]), randomBytes(80)])

function peerConnection(host: string) {
  return new RTCPeerConnection({
    // OpenAI's side is ICE-lite; so is this peer, which is what third-party Calls sessions expect.
    iceLite: true,
    bundlePolicy: 'max-bundle',
    iceServers: [],
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [host],
    iceInterfaceAddresses: { udp4: host },
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 })],
    },
  })
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export async function startOpenAiRealtimePeer(
  options: { port?: number; host?: string; token?: string } = {},
): Promise<RealtimePeer> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? 'local-fake-openai-token'
  let mode: PeerMode = 'ok'
  const calls: RealtimeCall[] = []
  type Entry = { pc?: RTCPeerConnection; timer?: NodeJS.Timeout }
  const peers = new Set<Entry>()
  const byCallId = new Map<string, Entry>()

  const send = (res: ServerResponse, { status, body }: Refusal) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }
  // OpenAI's 401 for a wrong key; its real message also repeats part of the key, which callers must not show.
  const badKey = refusal(
    401,
    'invalid_api_key',
    'Incorrect API key provided: sk-…. You can find your API key at https://platform.openai.com/account/api-keys.',
  )

  async function answer(req: IncomingMessage, res: ServerResponse, url: URL, failure: PeerMode) {
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, badKey)
    const body = await readBody(req)
    if (failure === '500')
      return send(
        res,
        refusal(500, 'server_error', 'The server had an error while processing your request.', null, 'server_error'),
      )
    if (failure === '403')
      return send(
        res,
        refusal(403, 'unsupported_country_region_territory', 'Country, region, or territory not supported'),
      )
    // No answer at all: the caller's own timeout must end the wait (close() drops the socket).
    if (failure === 'hang') return
    const asked = await readCallRequest(req.headers, url, body)
    if ('status' in asked) return send(res, asked)

    const id = `rtc_${randomUUID().replaceAll('-', '')}`
    const call: RealtimeCall = {
      id,
      model: asked.model,
      voice: asked.voice,
      instructions: asked.instructions,
      turnDetection: asked.turnDetection,
      safetyIdentifier: asked.safetyIdentifier,
      connectionState: 'new',
      packetsSent: 0,
      packetsReceived: 0,
      bytesReceived: 0,
      lastReceivedAt: 0,
      closed: false,
      hungUp: false,
    }
    const location = `/v1/realtime/calls/${id}`
    if (failure === 'bad-sdp') {
      calls.push(call)
      byCallId.set(id, {})
      return res.writeHead(201, { 'content-type': 'application/sdp', location }).end('this is not an SDP answer\r\n')
    }
    const pc = peerConnection(host)
    const entry: Entry = { pc }
    peers.add(entry)
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: asked.sdp })
    } catch (err) {
      peers.delete(entry)
      await pc.close()
      return send(res, refusal(400, 'invalid_offer', `Invalid SDP offer: ${(err as Error).message}`, 'sdp'))
    }
    const transceiver = pc.getTransceivers().find((t) => t.kind === 'audio')
    if (!transceiver) {
      peers.delete(entry)
      await pc.close()
      return send(res, refusal(400, 'invalid_offer', 'The offer has no audio section', 'sdp'))
    }
    const voice = new MediaStreamTrack({ kind: 'audio' })
    transceiver.setDirection('sendrecv')
    await transceiver.sender.replaceTrack(voice)
    const count = (track: MediaStreamTrack) =>
      track.onReceiveRtp.subscribe((packet) => {
        call.packetsReceived++
        call.bytesReceived += packet.payload.length
        call.lastReceivedAt = Date.now()
      })
    count(transceiver.receiver.track)
    transceiver.onTrack.subscribe((track) => {
      if (track !== transceiver.receiver.track) count(track)
    })
    pc.connectionStateChange.subscribe((state) => {
      call.connectionState = state
      if (state === 'connected' && !entry.timer) {
        let seq = Math.floor(Math.random() * 65536)
        let ts = Math.floor(Math.random() * 2 ** 31)
        entry.timer = setInterval(() => {
          seq = (seq + 1) & 0xffff
          ts = (ts + 960) >>> 0
          voice.writeRtp(
            new RtpPacket(
              new RtpHeader({ sequenceNumber: seq, timestamp: ts, marker: false, payloadType: 111 }),
              noiseFrame(),
            ),
          )
          call.packetsSent++
        }, 20)
      }
      if (state === 'closed' || state === 'failed') {
        clearInterval(entry.timer)
        call.closed = true
      }
    })
    await pc.setLocalDescription(await pc.createAnswer())
    calls.push(call)
    byCallId.set(id, entry)
    const sdp = pc.localDescription!.sdp
    // RFC 8842 §5: a DTLS-SRTP answer carries `a=fingerprint`; without it no DTLS can be set up.
    const sent = failure === 'unusable-sdp' ? sdp.replace(/^a=fingerprint:.*\r?\n/gm, '') : sdp
    res.writeHead(201, { 'content-type': 'application/sdp', location }).end(sent)
  }

  async function hangUp(req: IncomingMessage, res: ServerResponse, id: string) {
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, badKey)
    const call = calls.find((c) => c.id === id)
    const entry = byCallId.get(id)
    if (!call || !entry || call.hungUp)
      return send(res, refusal(404, 'call_not_found', `No active call ${id}`, 'call_id'))
    call.hungUp = true
    clearInterval(entry.timer)
    await entry.pc?.close()
    call.closed = true
    call.connectionState = 'closed'
    res.writeHead(200).end()
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`)
    void (async () => {
      if (req.method === 'GET' && url.pathname === '/test/calls') return json(res, 200, { calls })
      if (req.method === 'POST' && url.pathname === '/test/mode') {
        mode = (JSON.parse((await readBody(req)).toString('utf8')) as { mode: PeerMode }).mode
        return json(res, 200, { mode })
      }
      let path = url.pathname
      let failure = mode
      for (const [prefix, m] of [
        ['/status/500', '500'],
        ['/status/403', '403'],
        ['/bad-sdp', 'bad-sdp'],
        ['/hang', 'hang'],
        ['/unusable-sdp', 'unusable-sdp'],
      ] as const) {
        if (path.startsWith(`${prefix}/`)) {
          path = path.slice(prefix.length)
          failure = m
        }
      }
      if (req.method === 'POST' && path === '/v1/realtime/calls') return answer(req, res, url, failure)
      // OpenAI's answer to the retired beta shape (raw SDP at /v1/realtime?model=…), as its server words it.
      if (req.method === 'POST' && path === '/v1/realtime')
        return send(
          res,
          refusal(
            400,
            'beta_api_shape_disabled',
            'The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.',
          ),
        )
      const hangup = /^\/v1\/realtime\/calls\/([^/]+)\/hangup$/.exec(path)
      if (req.method === 'POST' && hangup) return hangUp(req, res, decodeURIComponent(hangup[1]!))
      return send(res, refusal(404, 'not_found', `No route ${req.method} ${url.pathname}`))
    })().catch((err: unknown) => {
      if (!res.headersSent) send(res, refusal(500, 'server_error', String(err), null, 'server_error'))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://${host}:${port}`,
    port,
    token,
    calls: () => calls,
    setMode: (m) => {
      mode = m
    },
    async close() {
      for (const entry of peers) {
        clearInterval(entry.timer)
        await entry.pc?.close().catch(() => undefined)
      }
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
