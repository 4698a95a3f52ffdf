import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCallsClient } from '@tangerine/contracts/calls/client'
import { startShardedSfu, type ShardedSfu } from '../src/shards/sharded-server.ts'
import { createLogger } from '../src/log.ts'
import { APP_ID, APP_SECRET, raw, testConfig } from './helpers/sfu.ts'
import { publish, pull, type Publisher, type Received } from './helpers/peer.ts'
import { SimulcastPublisher } from './helpers/simulcast-publisher.ts'
import { expectStopped, waitFor } from './helpers/wait.ts'
import { collect, establish, untilHeard } from './helpers/data-channels.ts'
import type { RunningSfu } from '../src/server.ts'

/**
 * The SFU with its sessions spread over shards (worker threads): the publisher always on the
 * first shard and its pullers on the last, so with two shards every packet crosses a pipe and
 * with one the same calls take the in-shard path.
 */
describe.each([1, 2])('with %i shard(s), publisher and puller placed apart', (workers) => {
  let sfu: ShardedSfu
  beforeAll(async () => {
    // A short idle timeout: a client that vanishes (closes its peer) is how a session ends.
    const config = testConfig({ workers, sessionIdleTimeoutMs: 3_000 })
    sfu = await startShardedSfu(config, createLogger(config.logLevel))
  })
  afterAll(() => sfu.close())

  const api = () => createCallsClient({ baseUrl: `${sfu.url}/v1`, appId: APP_ID, appSecret: APP_SECRET })
  const onPublisherShard = () => sfu.shards.placeNext(0)
  const onPullerShard = () => sfu.shards.placeNext(workers - 1)

  async function publisher(tracks: Parameters<typeof publish>[1]): Promise<Publisher> {
    onPublisherShard()
    return publish(api(), tracks)
  }

  async function puller(items: Parameters<typeof pull>[1]) {
    onPullerShard()
    const b = await pull(api(), items)
    return b
  }

  it('forwards audio and video from one shard to a puller on the other, intact and in order', async () => {
    const a = await publisher([
      { name: 'mic', kind: 'audio', tag: 1 },
      { name: 'cam-video', kind: 'video', tag: 2 },
    ])
    const b = await puller([
      { sessionId: a.sessionId, trackName: 'mic' },
      { sessionId: a.sessionId, trackName: 'cam-video' },
    ])
    expect(sfu.shards.shardOf(a.sessionId)).toBe(0)
    expect(sfu.shards.shardOf(b.sessionId)).toBe(workers - 1)
    const audio = () => b.received.get(b.mids.get('mic')!)!
    const video = () => b.received.get(b.mids.get('cam-video')!)!
    await waitFor(
      () => audio().seqs.length >= 30 && video().seqs.length >= 15,
      () => `B receiving both tracks (so far ${audio().seqs.length} audio, ${video().seqs.length} video)`,
    )
    expect([...audio().tags]).toEqual([1])
    expect([...video().tags]).toEqual([2])
    for (const record of [audio(), video()]) {
      expect(record.counters).toEqual([...record.counters].sort((x, y) => x - y))
      for (let i = 1; i < record.seqs.length; i++) {
        expect(((record.seqs[i]! - record.seqs[i - 1]! + 0x10000) & 0xffff) > 0).toBe(true)
      }
    }
    // The copies were made on the puller's shard; the counters add up over shards.
    const stats = (await (await fetch(`${sfu.url}/stats`)).json()) as {
      forwarding: { packetsOut: number }
      shards: { each: Array<{ shard: number; packetsOut: number }> }
    }
    expect(stats.shards.each.find((s) => s.shard === workers - 1)!.packetsOut).toBeGreaterThan(0)
    expect(stats.forwarding.packetsOut).toBe(stats.shards.each.reduce((sum, s) => sum + s.packetsOut, 0))
    await b.close()
    await a.close()
  })

  it("carries the puller's PLI to the publisher on the other shard", async () => {
    const a = await publisher([{ name: 'cam-video', kind: 'video', tag: 2 }])
    let plis = 0
    a.transceivers.get('cam-video')!.sender.onPictureLossIndication.subscribe(() => plis++)
    const b = await puller([{ sessionId: a.sessionId, trackName: 'cam-video' }])
    const video = () => b.received.get(b.mids.get('cam-video')!)!
    await waitFor(() => video().seqs.length >= 5, 'B receiving video')
    await waitFor(() => plis >= 1, 'keyframe request on attach')
    // Past the publisher's throttle window, so the next one is the puller's own.
    await new Promise((resolve) => setTimeout(resolve, 400))
    const before = plis
    const receiver = b.pc.getTransceivers().find((t) => t.mid === b.mids.get('cam-video'))!.receiver
    await receiver.sendRtcpPLI([...video().ssrcs][0]!)
    await waitFor(() => plis > before, "B's PLI reaching A")
    await b.close()
    await a.close()
  })

  it('switches simulcast layers across shards at a keyframe of the new layer', async () => {
    onPublisherShard()
    const camera = await new SimulcastPublisher().publish(api(), 'cam')
    const viewer = await puller([{ sessionId: camera.sessionId, trackName: 'cam', simulcast: { preferredRid: 'c' } }])
    const mid = viewer.mids.get('cam')!
    const got = (): Received => viewer.received.get(mid)!
    await waitFor(() => got().seqs.length >= 20, 'the lowest layer reaching the viewer')
    expect(new Set(got().tagSeq)).toEqual(new Set([3]))
    const update = await api().updateTracks(viewer.sessionId, {
      tracks: [
        { location: 'remote', mid, sessionId: camera.sessionId, trackName: 'cam', simulcast: { preferredRid: 'a' } },
      ],
    })
    expect(update.tracks?.[0]?.errorCode).toBeUndefined()
    await waitFor(() => got().tagSeq.filter((t) => t === 1).length >= 20, 'the best layer reaching the viewer')
    const record = got()
    const runs = record.tagSeq.filter((tag, i, all) => i === 0 || all[i - 1] !== tag)
    expect(runs).toEqual([3, 1])
    expect(record.keyframes[record.tagSeq.indexOf(1)]).toBe(true)
    await viewer.close()
    await camera.close()
  })

  it('starts a viewer on its preferred layer, whichever layer a new pipe carries first', async () => {
    onPublisherShard()
    const camera = await new SimulcastPublisher().publish(api(), 'cam')
    // Data saver's pull: the lowest layer, or the nearest one if it is not sent.
    const viewer = await puller([
      {
        sessionId: camera.sessionId,
        trackName: 'cam',
        simulcast: { preferredRid: 'c', ridNotAvailable: 'asciibetical' },
      },
    ])
    const got = (): Received => viewer.received.get(viewer.mids.get('cam')!)!
    await waitFor(() => got().seqs.length >= 20, 'the lowest layer reaching the viewer')
    // Layer "c" (tag 3) from the first packet on: "a" comes first in each of the camera's frames.
    expect(got().tagSeq.slice(0, 20)).toEqual(Array(20).fill(3))
    await viewer.close()
    await camera.close()
  })

  it('keeps a piped track for the pullers still on it, and pipes it again to one that let go and pulls it anew', async () => {
    const a = await publisher([{ name: 'cam-video', kind: 'video', tag: 2 }])
    // Two viewers on the puller's shard share one pipe; B lets go (a camera scrolled off), C stays.
    const b = await puller([{ sessionId: a.sessionId, trackName: 'cam-video' }])
    const c = await puller([{ sessionId: a.sessionId, trackName: 'cam-video' }])
    const videoOf = (p: typeof b) => p.received.get(p.mids.get('cam-video')!)!
    await waitFor(() => videoOf(b).seqs.length >= 5 && videoOf(c).seqs.length >= 5, 'B and C receiving the video')
    const firstMid = b.mids.get('cam-video')!
    // The partytracks way: stop the transceiver, offer, tracks/close without force.
    b.pc
      .getTransceivers()
      .find((t) => t.mid === firstMid)!
      .stop()
    await b.pc.setLocalDescription(await b.pc.createOffer())
    const closed = await api().closeTracks(b.sessionId, {
      tracks: [{ mid: firstMid }],
      force: false,
      sessionDescription: { type: 'offer', sdp: b.pc.localDescription!.sdp },
    })
    await b.pc.setRemoteDescription(closed.sessionDescription!)
    const firstPull = videoOf(b)
    const cAt = videoOf(c).seqs.length
    await expectStopped(
      () => firstPull.seqs.length,
      () => a.sources.get('cam-video')!.sent,
      "B's closed pull",
    )
    await waitFor(
      () => videoOf(c).seqs.length >= cAt + 15,
      () => `C still receiving after B let go (${videoOf(c).seqs.length - cAt} packets since)`,
    )
    expect((await api().getSession(b.sessionId)).tracks.map((t) => t.status)).toEqual(['inactive'])

    // C lets go too (the pipe shuts), then B pulls the camera again on the same session.
    await c.close()
    await pull(api(), [{ sessionId: a.sessionId, trackName: 'cam-video' }], b)
    expect(b.mids.get('cam-video')).not.toBe(firstMid)
    await waitFor(
      () => videoOf(b).seqs.length >= 15,
      () => `B receiving the camera pulled again (${videoOf(b).seqs.length} packets)`,
    )
    expect([...videoOf(b).tags]).toEqual([2])
    expect((await api().getSession(b.sessionId)).tracks.map((t) => t.status)).toEqual(['inactive', 'active'])
    await b.close()
    await a.close()
  })

  it("stops the puller's stream when the publisher closes its track, and then its session", async () => {
    const a = await publisher([
      { name: 'cam-video', kind: 'video', tag: 2 },
      { name: 'mic', kind: 'audio', tag: 1 },
    ])
    const b = await puller([
      { sessionId: a.sessionId, trackName: 'cam-video' },
      { sessionId: a.sessionId, trackName: 'mic' },
    ])
    const video = () => b.received.get(b.mids.get('cam-video')!)!
    const audio = () => b.received.get(b.mids.get('mic')!)!
    await waitFor(() => video().seqs.length >= 5 && audio().seqs.length >= 5, 'B receiving both')

    await api().closeTracks(a.sessionId, { tracks: [{ mid: a.transceivers.get('cam-video')!.mid! }], force: true })
    await expectStopped(
      () => video().seqs.length,
      () => a.sources.get('cam-video')!.sent,
      "A's closed video",
    )
    const state = await api().getSession(b.sessionId)
    expect(state.tracks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ trackName: 'cam-video', status: 'inactive' }),
        expect.objectContaining({ trackName: 'mic', status: 'active' }),
      ]),
    )
    const again = await api().newTracks(b.sessionId, {
      tracks: [{ location: 'remote', sessionId: a.sessionId, trackName: 'cam-video' }],
    })
    expect(again.tracks?.[0]?.errorCode).toBe('not_found_track_error')

    // The publisher goes away altogether: its audio stops too.
    await a.close()
    await waitFor(async () => {
      const after = await api().getSession(b.sessionId)
      return after.tracks?.find((t) => t.trackName === 'mic')?.status === 'inactive'
    }, "B's pull of A's audio turning inactive once A's session closes")
    await b.close()
  })

  it("relays a data channel to a subscriber on the other shard, and the subscriber's reply back", async () => {
    // The data channel helpers read only the SFU's URL.
    const at = sfu as unknown as RunningSfu
    onPublisherShard()
    const a = await establish(at)
    onPullerShard()
    const b = await establish(at)
    expect(sfu.shards.shardOf(b.sessionId)).toBe(workers - 1)
    const base = `/v1/apps/${APP_ID}/sessions`
    const pub = await raw(at, 'POST', `${base}/${a.sessionId}/datachannels/new`, {
      body: JSON.stringify({ dataChannels: [{ location: 'local', dataChannelName: 'chat' }] }),
    })
    const pubId = (pub.json.dataChannels as Array<{ id: number }>)[0]!.id
    const sub = await raw(at, 'POST', `${base}/${b.sessionId}/datachannels/new`, {
      body: JSON.stringify({
        dataChannels: [{ location: 'remote', dataChannelName: 'chat', sessionId: a.sessionId, canReply: true }],
      }),
    })
    const subId = (sub.json.dataChannels as Array<{ id: number; errorCode?: string }>)[0]!
    expect(subId.errorCode).toBeUndefined()
    const sender = a.pc.createDataChannel('chat', { negotiated: true, id: pubId })
    const receiver = b.pc.createDataChannel('chat', { negotiated: true, id: subId.id })
    await waitFor(() => sender.readyState === 'open' && receiver.readyState === 'open', 'channels open')
    await untilHeard(sender, 'hello', collect(receiver))
    await untilHeard(receiver, 'hi back', collect(sender))
    await b.pc.close()
    await a.pc.close()
  })

  it('lets no session of another app pull a track, whichever shard it is on', async () => {
    const a = await publisher([{ name: 'mic', kind: 'audio', tag: 1 }])
    const outsider = createCallsClient({ baseUrl: `${sfu.url}/v1`, appId: 'other-app', appSecret: 'other-secret' })
    onPullerShard()
    const { sessionId } = await outsider.newSession()
    expect(sfu.shards.shardOf(sessionId)).toBe(workers - 1)
    const attempt = await outsider.newTracks(sessionId, {
      tracks: [{ location: 'remote', sessionId: a.sessionId, trackName: 'mic' }],
    })
    expect(attempt.tracks?.[0]?.errorCode).toBe('not_found_track_error')
    await a.close()
  })
})

describe('a shard that stops', () => {
  let sfu: ShardedSfu
  beforeAll(async () => {
    const config = testConfig({ workers: 2 })
    sfu = await startShardedSfu(config, createLogger(config.logLevel))
  })
  afterAll(() => sfu.close())

  it("fails its own sessions cleanly and ends the other shard's pulls of its tracks; new sessions go elsewhere", async () => {
    const api = createCallsClient({ baseUrl: `${sfu.url}/v1`, appId: APP_ID, appSecret: APP_SECRET })
    sfu.shards.placeNext(0)
    const a = await publish(api, [{ name: 'mic', kind: 'audio', tag: 1 }])
    sfu.shards.placeNext(1)
    const b = await pull(api, [{ sessionId: a.sessionId, trackName: 'mic' }])
    const audio = () => b.received.get(b.mids.get('mic')!)!
    await waitFor(() => audio().seqs.length >= 10, 'B receiving audio')

    await sfu.shards.kill(0)
    await expect(api.getSession(a.sessionId)).rejects.toMatchObject({ status: 410 })
    await expectStopped(
      () => audio().seqs.length,
      () => a.sources.get('mic')!.sent,
      "the stopped shard's audio",
    )
    await waitFor(async () => {
      const state = await api.getSession(b.sessionId)
      return state.tracks?.[0]?.status === 'inactive'
    }, "B's pull turning inactive")
    const { sessionId } = await api.newSession()
    expect(sfu.shards.shardOf(sessionId)).toBe(1)
    await b.close()
    await a.close()
  })
})
