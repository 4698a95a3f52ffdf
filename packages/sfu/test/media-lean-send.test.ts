import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RTP_EXTENSION_URI, RtcpSrPacket, type RtpPacket } from 'werift'
import type { RunningSfu } from '../src/server.ts'
import { APP_ID, clientFor, startTestSfu } from './helpers/sfu.ts'
import { clientPeer, publish, pull } from './helpers/peer.ts'
import { waitFor } from './helpers/wait.ts'

const NTP_UNIX_OFFSET_S = 2_208_988_800

/**
 * The forwarding path writes packets itself (src/media/lean-sender.ts) instead of werift's
 * sender; what werift's sender did on every packet must still reach the puller.
 */
describe.each([
  ['the native seal-and-send', true],
  ['JavaScript (no addon, or SFU_FAST_SEND=off)', false],
])('forwarded packets and sender reports, through %s', (_, fastSend) => {
  let sfu: RunningSfu
  beforeAll(async () => {
    sfu = await startTestSfu({ fastSend })
    expect(sfu.registry.fastSend !== undefined).toBe(fastSend)
  })
  afterAll(() => sfu.close())

  it('carry the BUNDLE-wide transport-cc numbers, the mid, and sender reports that count them', async () => {
    const api = clientFor(sfu)
    const a = await publish(api, [
      { name: 'mic', kind: 'audio', tag: 1 },
      { name: 'cam', kind: 'video', tag: 2 },
    ])
    // A puller that negotiates mid, abs-send-time and transport-cc, as browsers do.
    const b = await pull(
      api,
      [
        { sessionId: a.sessionId, trackName: 'mic' },
        { sessionId: a.sessionId, trackName: 'cam' },
      ],
      {
        pc: clientPeer({ chromiumFeedback: true }),
        sessionId: (await api.newSession()).sessionId,
        received: new Map(),
        mids: new Map(),
      },
    )
    const dtls = b.pc.dtlsTransports[0]!
    const packets: RtpPacket[] = []
    dtls.onRtp.subscribe((packet) => packets.push(packet))
    const reports: RtcpSrPacket[] = []
    // Which SRTCP datagram each report came in: werift's transport hands a datagram's packets
    // to onRtcp before this later subscriber to the same datagram counts it.
    let datagram = 0
    const datagramOf = new Map<RtcpSrPacket, number>()
    dtls.onRtcp.subscribe((packet) => {
      if (!(packet instanceof RtcpSrPacket)) return
      reports.push(packet)
      datagramOf.set(packet, datagram)
    })
    dtls.iceTransport.connection.onData.subscribe((data: Buffer) => {
      if (data[1]! >= 192 && data[1]! <= 223) datagram++
    })
    const video = () => b.received.get(b.mids.get('cam')!)!
    const videoSsrc = () => [...video().ssrcs][0]
    // Sender reports come every 0.5–1.5 s; wait for one after a few hundred packets.
    await waitFor(
      () => packets.length > 100 && reports.some((r) => r.ssrc === videoSsrc() && r.senderInfo.packetCount > 20),
      () => `packets and a video sender report (so far ${packets.length} packets, ${reports.length} reports)`,
      15_000,
    )

    // The ids the SFU's offer gave each extension.
    const idOf = (uri: string) =>
      Number(new RegExp(`a=extmap:(\\d+) ${uri.replace(/[.]/g, '\\.')}`).exec(b.pc.remoteDescription!.sdp)?.[1])
    const twccId = idOf(RTP_EXTENSION_URI.transportWideCC)
    const midId = idOf(RTP_EXTENSION_URI.sdesMid)
    expect(twccId).toBeGreaterThan(0)
    expect(midId).toBeGreaterThan(0)
    // One transport-wide counter over both pulled streams, +1 per packet in the order sent.
    const wide = packets.map((p) => p.header.extensions.find((e) => e.id === twccId)?.payload.readUInt16BE(0))
    expect(wide.every((n) => n !== undefined)).toBe(true)
    const steps = wide.slice(1).map((n, i) => (n! - wide[i]! + 0x10000) & 0xffff)
    expect(steps.filter((s) => s !== 1).length).toBeLessThanOrEqual(2) // loopback may reorder a pair, not more
    const mids = new Set(packets.map((p) => p.header.extensions.find((e) => e.id === midId)?.payload.toString()))
    expect(mids).toEqual(new Set([b.mids.get('mic'), b.mids.get('cam')]))

    // The latest video sender report: its counts cover what was sent, its RTP time is one that
    // was forwarded, and its NTP time is the wall clock (RFC 3550 §6.4.1).
    const report = reports.filter((r) => r.ssrc === videoSsrc()).at(-1)!
    const forwardedVideo = packets.filter((p) => p.header.ssrc === videoSsrc())
    expect(report.senderInfo.packetCount).toBeGreaterThan(20)
    // Against every video packet the puller got since its pull began (the helper records them all):
    // `packets` starts only once the pull is connected, when the first copies may be on their way.
    expect(report.senderInfo.packetCount).toBeLessThanOrEqual(video().seqs.length)
    expect(report.senderInfo.octetCount).toBeGreaterThan(0)
    expect(forwardedVideo.map((p) => p.header.timestamp)).toContain(report.senderInfo.rtpTimestamp)
    // One compound packet carries the reports of both pulled streams (src/media/sender-reports.ts).
    const audioSsrc = [...b.received.get(b.mids.get('mic')!)!.ssrcs][0]
    const ssrcsByDatagram = new Map<number, Set<number>>()
    for (const r of reports) {
      const set = ssrcsByDatagram.get(datagramOf.get(r)!) ?? new Set<number>()
      ssrcsByDatagram.set(datagramOf.get(r)!, set.add(r.ssrc))
    }
    expect([...ssrcsByDatagram.values()].some((set) => set.has(audioSsrc!) && set.has(videoSsrc()!))).toBe(true)
    const ntp = report.senderInfo.ntpTimestamp
    const ntpMs = (Number(ntp >> 32n) - NTP_UNIX_OFFSET_S) * 1000 + (Number(ntp & 0xffffffffn) / 2 ** 32) * 1000
    expect(Math.abs(ntpMs - Date.now())).toBeLessThan(3000)
    // A packet larger than the addon's buffer (no browser sends one) is still forwarded, by Node's path.
    const big = packets.length
    // In the camera's own sequence: a packet numbered anywhere else jumps the stream, and a jump
    // that reads as a wrap is sealed with the next rollover counter (RFC 3711), which the test's
    // werift receiver, not estimating as RFC 3711 does, could not open (one run in five).
    a.sources.get('cam')!.writeNext(Buffer.alloc(2500, 7))
    await waitFor(
      () => packets.slice(big).some((p) => p.payload.length === 2500),
      () => 'the 2500-byte packet forwarded',
      5_000,
    )
    // werift's senders keep V8's fast properties: the SFU defines no accessor on them (one made
    // every property read of the hot path a dictionary lookup).
    const pulled = sfu.registry.findSession(APP_ID, b.sessionId)!.records.flatMap((r) => r.subscription?.sender ?? [])
    expect(pulled.length).toBe(2)
    for (const sender of pulled) expect(Object.getOwnPropertyDescriptor(sender, 'ntpTimestamp')).toHaveProperty('value')
    // The SFU opens what the publisher sends with the addon when it has it (src/media/fast-open.ts).
    const publisherCipher = sfu.registry.findSession(APP_ID, a.sessionId)!.pc.dtlsTransports[0]!.srtp.remoteContext
      .cipher
    expect(Object.hasOwn(publisherCipher, 'decryptRtp')).toBe(fastSend)
    await b.close()
    await a.close()
  })
})
