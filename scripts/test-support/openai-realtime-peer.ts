import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift'

/*
 * A stand-in for OpenAI's Realtime WebRTC endpoint, for tests only. It takes the offer in both
 * shapes of calls-api.md section D (GA: multipart `sdp` + `session` at …/realtime/calls; beta: raw
 * `application/sdp` at …/realtime?model=…), checks the Bearer token, answers as an ICE-lite werift
 * peer, speaks (Opus frames of noise, which a browser decodes to a clearly non-silent signal) and
 * counts the audio it receives. `POST …/realtime/calls/{call_id}/hangup` (the GA hang-up, same
 * token) ends a call and closes its peer connection. Test control:
 *   GET  /test/calls            every call with what it was asked and what it heard
 *   POST /test/mode {mode}      `ok` | `500` | `403` | `bad-sdp` | `hang` | `unusable-sdp` for the requests that follow
 * and path prefixes `/status/500/…`, `/status/403/…`, `/bad-sdp/…`, `/hang/…` and `/unusable-sdp/…`
 * fail one request without changing the mode. `403` is OpenAI's answer to a key without access
 * to the model or region (error code `model_not_found`/`unsupported_country_region_territory`);
 * `hang` takes the offer and never answers; `unusable-sdp` makes the call (it exists until hung
 * up) but answers with an SDP without its DTLS fingerprint, which the SFU must refuse.
 */

export type PeerMode = 'ok' | '500' | '403' | 'bad-sdp' | 'hang' | 'unusable-sdp'

export interface RealtimeCall {
  id: string
  shape: 'ga' | 'beta'
  model?: string
  voice?: string
  instructions?: string
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

/** The offer and settings from either request shape, or why the request is malformed. */
async function parseOffer(req: IncomingMessage, url: URL, body: Buffer) {
  const type = req.headers['content-type'] ?? ''
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request(url, {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(body),
    }).formData()
    const sdp = form.get('sdp')
    const session = JSON.parse(String(form.get('session') ?? '{}')) as {
      model?: string
      instructions?: string
      audio?: { output?: { voice?: string } }
    }
    if (typeof sdp !== 'string') return { error: 'multipart body without an sdp part' }
    return {
      shape: 'ga' as const,
      sdp,
      model: session.model,
      voice: session.audio?.output?.voice,
      instructions: session.instructions,
    }
  }
  if (type.startsWith('application/sdp')) {
    const q = url.searchParams
    return {
      shape: url.pathname.endsWith('/calls') ? ('ga' as const) : ('beta' as const),
      sdp: body.toString('utf8'),
      model: q.get('model') ?? undefined,
      voice: q.get('voice') ?? undefined,
      instructions: q.get('instructions') ?? undefined,
    }
  }
  return { error: `unsupported content type ${type || '(none)'}` }
}

export async function startOpenAiRealtimePeer(
  options: { port?: number; host?: string; token?: string } = {},
): Promise<RealtimePeer> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? 'local-fake-openai-token'
  let mode: PeerMode = 'ok'
  const calls: RealtimeCall[] = []
  const peers = new Set<{ pc: RTCPeerConnection; timer?: NodeJS.Timeout }>()
  const byCallId = new Map<string, { pc: RTCPeerConnection; timer?: NodeJS.Timeout }>()

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }
  const openAiError = (res: ServerResponse, status: number, code: string, message: string) =>
    json(res, status, { error: { type: 'invalid_request_error', code, message } })

  async function answer(req: IncomingMessage, res: ServerResponse, url: URL, failure: PeerMode) {
    if (req.headers.authorization !== `Bearer ${token}`)
      return openAiError(res, 401, 'invalid_api_key', 'Incorrect API key provided.')
    const body = await readBody(req)
    if (failure === '500')
      return openAiError(res, 500, 'server_error', 'The server had an error while processing your request.')
    if (failure === '403')
      return openAiError(
        res,
        403,
        'unsupported_country_region_territory',
        'Country, region, or territory not supported',
      )
    // No answer at all: the caller's own timeout must end the wait (close() drops the socket).
    if (failure === 'hang') return
    const offer = await parseOffer(req, url, body)
    if ('error' in offer) return openAiError(res, 400, 'invalid_request', offer.error ?? 'bad request')
    if (failure === 'bad-sdp')
      return res.writeHead(201, { 'content-type': 'application/sdp' }).end('this is not an SDP answer\r\n')

    const id = `rtc_${randomUUID().replaceAll('-', '')}`
    const call: RealtimeCall = {
      id,
      shape: offer.shape,
      model: offer.model,
      voice: offer.voice,
      instructions: offer.instructions,
      connectionState: 'new',
      packetsSent: 0,
      packetsReceived: 0,
      bytesReceived: 0,
      lastReceivedAt: 0,
      closed: false,
      hungUp: false,
    }
    const pc = peerConnection(host)
    const entry: { pc: RTCPeerConnection; timer?: NodeJS.Timeout } = { pc }
    peers.add(entry)
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp })
    } catch (err) {
      peers.delete(entry)
      await pc.close()
      return openAiError(res, 400, 'invalid_offer', `Invalid SDP offer: ${(err as Error).message}`)
    }
    const transceiver = pc.getTransceivers().find((t) => t.kind === 'audio')
    if (!transceiver) {
      peers.delete(entry)
      await pc.close()
      return openAiError(res, 400, 'invalid_offer', 'The offer has no audio section')
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
    res.writeHead(201, { 'content-type': 'application/sdp', location: `/v1/realtime/calls/${id}` }).end(sent)
  }

  async function hangUp(req: IncomingMessage, res: ServerResponse, id: string) {
    if (req.headers.authorization !== `Bearer ${token}`)
      return openAiError(res, 401, 'invalid_api_key', 'Incorrect API key provided.')
    const call = calls.find((c) => c.id === id)
    const entry = byCallId.get(id)
    if (!call || !entry || call.hungUp) return openAiError(res, 404, 'call_not_found', `No active call ${id}`)
    call.hungUp = true
    clearInterval(entry.timer)
    await entry.pc.close()
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
      if (req.method === 'POST' && (path === '/v1/realtime/calls' || path === '/v1/realtime'))
        return answer(req, res, url, failure)
      const hangup = /^\/v1\/realtime\/calls\/([^/]+)\/hangup$/.exec(path)
      if (req.method === 'POST' && hangup) return hangUp(req, res, decodeURIComponent(hangup[1]!))
      return openAiError(res, 404, 'not_found', `No route ${req.method} ${url.pathname}`)
    })().catch((err: unknown) => {
      if (!res.headersSent) openAiError(res, 500, 'server_error', String(err))
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
        await entry.pc.close().catch(() => undefined)
      }
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
