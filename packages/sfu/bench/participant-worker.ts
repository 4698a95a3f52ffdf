/**
 * Bench clients in a worker thread: a share of the participants, each one werift peer
 * that pushes Opus + VP8-sized video and pulls every other participant's tracks.
 *
 * Receiving is the load generator's bottleneck: at N = 12 each client thread takes in
 * 7 k+ SRTP packets/s, and werift's full receive stack (RTCRtpReceiver, NACK tracking,
 * jitter/RTCP bookkeeping, an Event promise per packet) saturated both client threads at
 * about half the nominal load. By default (`BENCH_CLIENT=native`, bare RTP rows) a thread of
 * bench/native/bench-receive.c reads each client's socket in batches, opens the SRTP and takes the
 * latency to the kernel's arrival time of the datagram; the rest (STUN, DTLS, RTCP) goes back to
 * werift. With `BENCH_CLIENT=lean` (and for the rows with Chromium's feedback) each pulled packet is
 * taken off the client's ICE connection before werift's receive stack: it is still
 * SRTP-decrypted and authenticated with the session's own SRTP context (so the e2e
 * latency is that of a packet a browser could decode), then counted and timed; RTCP
 * still takes werift's normal path. Pulled streams then get no receiver reports or
 * NACKs from the client (on loopback nothing is lost). `BENCH_CLIENT=werift` keeps
 * werift's receive stack, for comparison.
 *
 * Sending is paced by the clock, not by counting timer ticks: a late timer (a busy
 * thread) sends the packets that fell due, so the offered load stays nominal unless
 * a thread is more than `MAX_LAG_MS` behind, in which case the lost time is skipped
 * and reported (`skipped`), never hidden.
 *
 * `feedback: 'chromium'` makes the clients negotiate and send what Chromium does (transport-cc
 * on every packet, SR from the publishers, and for lean pulls the TWCC feedback, receiver
 * reports and NACKs of ./chromium-feedback.ts, with `lossRate` of video dropped on arrival so
 * that NACKs and retransmissions happen); `'none'` keeps the bare RTP load.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { MediaStreamTrack, RtpHeader, RtpPacket, type RTCPeerConnection } from 'werift'
import { createCallsClient } from '@tangerine/contracts/calls/client'
import { clientPeer } from '../test/helpers/peer.ts'
import { ChromiumFeedback, TRANSPORT_CC_URI, type FeedbackCounters } from './chromium-feedback.ts'
import { waitFor } from '../test/helpers/wait.ts'
import { createRequire } from 'node:module'
import { setPriority } from 'node:os'
import type { Socket } from 'node:dgram'
import { loadFastSend, socketFd, socketHandle } from '../src/media/fast-send.ts'
import { openSrtpWith } from '../src/media/fast-open.ts'
import { PROFILE_AEAD_AES_128_GCM } from '../src/media/srtp-gcm.ts'

// The clients open SRTP with the SFU's addon too, when it is built: what they spend decrypting is
// CPU the SFU does not get on a 2-vCPU machine.
const fastSend = loadFastSend().fastSend

export interface WorkerSetup {
  url: string
  appId: string
  secret: string
  indices: number[]
  video: { fps: number; packetsPerFrame: number; packetBytes: number }
  audio: { intervalMs: number; packetBytes: number }
  /**
   * `native`: pulled RTP is read, opened and timed in C, off this thread; `lean`: it bypasses
   * werift's receiver stack (still decrypted) in JavaScript; `werift`: full stack.
   */
  client: 'native' | 'lean' | 'werift'
  feedback: 'none' | 'chromium'
  /** Share of pulled video packets dropped on arrival (lean clients, chromium feedback). */
  lossRate: number
  /** The client threads' nice value: the load generator is not what is measured. */
  nice: number
}

export type ToWorker =
  { type: 'pull'; sessions: string[] } | { type: 'measure' } | { type: 'report' } | { type: 'close' }
export type FromWorker =
  | { type: 'joined'; sessions: Record<number, string> }
  | { type: 'pulled' }
  | {
      type: 'report'
      received: number
      /** Pulled packets that did not authenticate (native clients count them). */
      failed: number
      /** Resends far behind their stream (lost at set-up, or to an overloaded SFU; native clients count them apart). */
      late: number
      sent: number
      skipped: number
      latencies: Float64Array
      feedback: FeedbackCounters
    }
  | { type: 'closed' }

const setup = workerData as WorkerSetup
// Linux keeps a nice value per thread: this one, and the receive thread it starts, yield to the SFU.
if (setup.nice) setPriority(setup.nice)
const port = parentPort!
const api = createCallsClient({ baseUrl: `${setup.url}/v1`, appId: setup.appId, appSecret: setup.secret })
/** Generous: on a shared 2-core machine the handshakes of a dozen peers queue up. */
const connected = (pc: RTCPeerConnection) => waitFor(() => pc.connectionState === 'connected', 'peer connected', 60_000)

/** bench/native/bench-receive.c: a receive thread for this worker's sockets. */
interface BenchReceive {
  receiver(onOther: (fd: number, data: Buffer, address: string, port: number) => void, batchWaitMicros: number): object
  add(receiver: object, fd: number, key: Buffer, salt: Buffer): void
  measure(receiver: object): void
  report(receiver: object): {
    received: number
    failed: number
    late: number
    others: number
    latencies: Float64Array<ArrayBuffer>
  }
  close(receiver: object): void
  nowMs(): number
}
const native =
  setup.client === 'native'
    ? (createRequire(import.meta.url)(new URL('../build/bench-receive.node', import.meta.url).pathname) as BenchReceive)
    : undefined
/** Send stamps and arrival times on one clock: CLOCK_REALTIME, the kernel's receive stamps' clock, with native clients. */
const now = native ? () => native.nowMs() : () => performance.timeOrigin + performance.now()
/** How long the receive thread lets datagrams gather after a wake-up (latency is the kernel's arrival, so it does not count). */
const BATCH_WAIT_MICROS = Number(process.env.BENCH_CLIENT_BATCH_US ?? 1000)

interface Participant {
  index: number
  pc: RTCPeerConnection
  sessionId: string
  stop: () => void
  feedback?: ChromiumFeedback
}

/** A thread this far behind its send schedule skips the missed packets (and counts them). */
const MAX_LAG_MS = 250

let measuring = false
let received = 0
/** RTP packets published (handed to werift's senders) while measuring. */
let sent = 0
let skipped = 0
let latencies: number[] = []

function onPulled(payload: Buffer, payloadOffset: number): void {
  if (!measuring) return
  received++
  latencies.push(now() - payload.readDoubleBE(payloadOffset))
}

/**
 * Takes the pulled RTP of `pc` off its ICE connection ahead of werift's receive stack
 * (see the file comment). Decryption uses the DTLS transport's SRTP session, which
 * tracks each SSRC's rollover counter and rejects packets that fail authentication.
 */
function receiveLean(pc: RTCPeerConnection, feedback: ChromiumFeedback | undefined): void {
  const dtls = pc.getTransceivers()[0]!.receiver.dtlsTransport
  const connection = dtls.iceTransport.connection
  const werift = connection.onData.execute
  connection.onData.execute = (data: Buffer) => {
    const first = data[0]!
    // RTP (RFC 5761: payload types 64–95 with the marker bit are RTCP) goes here; DTLS,
    // RTCP and anything else to werift.
    if (first < 128 || first > 191 || ((data[1]! & 0x7f) >= 64 && (data[1]! & 0x7f) <= 95)) {
      werift(data)
      return
    }
    let plain: Buffer
    try {
      if (fastSend) openSrtpWith(fastSend, dtls)
      plain = dtls.srtp.decrypt(data)
    } catch {
      return // failed authentication: werift would drop it too
    }
    if (feedback && feedback.onRtp(plain) !== 'first') return
    let offset = 12 + 4 * (plain[0]! & 0x0f)
    if (plain[0]! & 0x10) offset += 4 + 4 * plain.readUInt16BE(offset + 2)
    if (plain.length >= offset + 8) onPulled(plain, offset)
  }
}

/** The sockets the receive thread reads, by descriptor: what is not RTP goes back to werift through them. */
const nativeSockets = new Map<number, Socket>()
let nativeReceiver: object | undefined

/**
 * Hands `pc`'s socket to the receive thread: Node stops reading it (its internal handle's
 * `recvStop`; werift still sends on it), the thread opens the pulled SRTP with the transport's
 * remote key and gives back each other datagram as the socket's own 'message'.
 */
function receiveNative(pc: RTCPeerConnection): void {
  const dtls = pc.getTransceivers()[0]!.receiver.dtlsTransport
  const context = (
    dtls.srtp as unknown as {
      remoteContext?: { profile: number; cipher: { srtpSessionKey: Buffer; srtpSessionSalt: Buffer } }
    }
  ).remoteContext
  const pair = dtls.iceTransport.connection.nominated as unknown as { protocol: { transport?: { socket?: Socket } } }
  const socket = pair?.protocol.transport?.socket
  const fd = socket && socketFd(socket)
  if (!context || context.profile !== PROFILE_AEAD_AES_128_GCM || !socket || fd === undefined)
    throw new Error('native bench client: no AES-GCM SRTP context or no plain UDP socket')
  nativeReceiver ??= native!.receiver((from, data, address, port) => {
    nativeSockets
      .get(from)
      ?.emit('message', data, { address, port, family: address.includes(':') ? 'IPv6' : 'IPv4', size: data.length })
  }, BATCH_WAIT_MICROS)
  socketHandle(socket)!.recvStop()
  nativeSockets.set(fd, socket)
  native!.add(nativeReceiver, fd, context.cipher.srtpSessionKey, context.cipher.srtpSessionSalt)
}

/** The RTCP a Chromium receiver would send for `p`'s pulls, per the negotiated SDP. */
function chromiumFeedback(p: Participant): ChromiumFeedback {
  const dtls = p.pc.getTransceivers()[0]!.receiver.dtlsTransport
  const sdp = p.pc.remoteDescription!.sdp
  const transportCc = new RegExp(`a=extmap:(\\d+)(?:/\\w+)? ${TRANSPORT_CC_URI.replace(/[.]/g, '\\.')}`).exec(sdp)
  const videoPayloadTypes = new Set([...sdp.matchAll(/a=rtpmap:(\d+) VP8\/90000/g)].map((m) => Number(m[1])))
  return new ChromiumFeedback({
    send: (packets) => dtls.sendRtcp(packets),
    senderSsrc: p.pc.getTransceivers()[0]!.sender.ssrc,
    transportCcId: transportCc ? Number(transportCc[1]) : undefined,
    lossRate: setup.lossRate,
    isVideo: (pt) => videoPayloadTypes.has(pt),
  })
}

/** Payload: the absolute send time (ms, shared clock across threads), then filler. */
function packet(seq: number, ts: number, bytes: number, marker: boolean): RtpPacket {
  const payload = Buffer.alloc(bytes, 0x42)
  payload.writeDoubleBE(now(), 0)
  const header = new RtpHeader({ sequenceNumber: seq & 0xffff, timestamp: ts >>> 0, marker, payloadType: 0 })
  return new RtpPacket(header, payload)
}

async function join(index: number): Promise<Participant> {
  const pc = clientPeer({ chromiumFeedback: setup.feedback === 'chromium' })
  const { sessionId } = await api.newSession()
  const audio = new MediaStreamTrack({ kind: 'audio' })
  const video = new MediaStreamTrack({ kind: 'video' })
  const ta = pc.addTransceiver(audio, { direction: 'sendonly' })
  const tv = pc.addTransceiver(video, { direction: 'sendonly' })
  await pc.setLocalDescription(await pc.createOffer())
  const res = await api.newTracks(sessionId, {
    sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
    tracks: [
      { location: 'local', trackName: `audio-${index}`, mid: ta.mid! },
      { location: 'local', trackName: `video-${index}`, mid: tv.mid! },
    ],
  })
  await pc.setRemoteDescription(res.sessionDescription!)
  await connected(pc)
  let aSeq = 0
  let vSeq = 0
  let frame = 0
  const { fps, packetsPerFrame, packetBytes } = setup.video
  const frameMs = 1000 / fps
  const audioMs = setup.audio.intervalMs
  // Packet k of a stream is due at start + k × interval; each wake-up sends what is due.
  const start = performance.now()
  let audioDue = start
  let videoDue = start
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const tick = () => {
    const t = performance.now()
    if (t - audioDue > MAX_LAG_MS) {
      const missed = Math.floor((t - audioDue) / audioMs)
      if (measuring) skipped += missed
      audioDue += missed * audioMs
    }
    if (t - videoDue > MAX_LAG_MS) {
      const missed = Math.floor((t - videoDue) / frameMs)
      if (measuring) skipped += missed * packetsPerFrame
      videoDue += missed * frameMs
    }
    while (audioDue <= t) {
      aSeq++
      audio.writeRtp(packet(aSeq, aSeq * 960, setup.audio.packetBytes, true))
      if (measuring) sent++
      audioDue += audioMs
    }
    while (videoDue <= t) {
      frame++
      for (let i = 0; i < packetsPerFrame; i++) {
        video.writeRtp(packet(vSeq++, frame * 3000, packetBytes, i === packetsPerFrame - 1))
      }
      if (measuring) sent += packetsPerFrame
      videoDue += frameMs
    }
    if (!stopped) timer = setTimeout(tick, Math.max(0, Math.min(audioDue, videoDue) - performance.now()))
  }
  tick()
  const stop = () => {
    stopped = true
    clearTimeout(timer)
  }
  return { index, pc, sessionId, stop }
}

async function pullAll(me: Participant, sessions: string[]) {
  const tracks = sessions.flatMap((sessionId, i) =>
    i === me.index
      ? []
      : (['audio', 'video'] as const).map((kind) => ({
          location: 'remote' as const,
          sessionId,
          trackName: `${kind}-${i}`,
        })),
  )
  const res = await api.newTracks(me.sessionId, { tracks })
  await me.pc.setRemoteDescription(res.sessionDescription!)
  if (setup.client === 'werift') {
    for (const t of res.tracks ?? []) {
      const transceiver = me.pc.getTransceivers().find((x) => x.mid === t.mid)!
      // werift fires onTrack while the offer is applied; its receiver track is already there.
      transceiver.receiver.track.onReceiveRtp.subscribe((rtp) => onPulled(rtp.payload, 0))
    }
  }
  await me.pc.setLocalDescription(await me.pc.createAnswer())
  await api.renegotiate(me.sessionId, { sessionDescription: { type: 'answer', sdp: me.pc.localDescription!.sdp } })
}

const people = await Promise.all(setup.indices.map(join))
port.postMessage({
  type: 'joined',
  sessions: Object.fromEntries(people.map((p) => [p.index, p.sessionId])),
} satisfies FromWorker)

port.on('message', async (message: ToWorker) => {
  switch (message.type) {
    case 'pull':
      for (const p of people) await pullAll(p, message.sessions)
      await Promise.all(people.map((p) => connected(p.pc)))
      // BUNDLE: the pulls share the push's transport, which is up; from now on its RTP is ours.
      if (setup.client === 'native') for (const p of people) receiveNative(p.pc)
      if (setup.client === 'lean')
        for (const p of people) {
          if (setup.feedback === 'chromium') p.feedback = chromiumFeedback(p)
          receiveLean(p.pc, p.feedback)
        }
      port.postMessage({ type: 'pulled' } satisfies FromWorker)
      break
    case 'measure':
      received = 0
      sent = 0
      skipped = 0
      latencies = []
      if (nativeReceiver) native!.measure(nativeReceiver)
      for (const p of people)
        if (p.feedback) Object.assign(p.feedback.counters, { nacksSent: 0, recovered: 0, twccSent: 0, rrSent: 0 })
      measuring = true
      break
    case 'report': {
      measuring = false
      const fromNative = nativeReceiver && native!.report(nativeReceiver)
      const array = fromNative ? fromNative.latencies : Float64Array.from(latencies)
      const feedback: FeedbackCounters = { nacksSent: 0, recovered: 0, twccSent: 0, rrSent: 0 }
      for (const p of people)
        for (const k of Object.keys(feedback) as Array<keyof FeedbackCounters>)
          feedback[k] += p.feedback?.counters[k] ?? 0
      port.postMessage(
        {
          type: 'report',
          received: received + (fromNative?.received ?? 0),
          failed: fromNative?.failed ?? 0,
          late: fromNative?.late ?? 0,
          sent,
          skipped,
          latencies: array,
          feedback,
        } satisfies FromWorker,
        [array.buffer],
      )
      break
    }
    case 'close':
      // The receive thread stops before werift closes the sockets it reads.
      if (nativeReceiver) native!.close(nativeReceiver)
      nativeReceiver = undefined
      for (const p of people) {
        p.stop()
        p.feedback?.stop()
        await p.pc.close()
      }
      port.postMessage({ type: 'closed' } satisfies FromWorker)
      break
  }
})
