import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSfu } from '../src/server.ts'
import { APP_ID, clientFor, raw, startTestSfu } from './helpers/sfu.ts'
import { clientPeer, connected, SyntheticSource } from './helpers/peer.ts'
import { collect, establish, sfuEndsOpen, untilHeard } from './helpers/data-channels.ts'
import { waitFor } from './helpers/wait.ts'

/*
 * Data channels as Cloudflare documents them: the DataChannels page
 * (https://developers.cloudflare.com/realtime/sfu/features/datachannels/), the API schema linked
 * from https://developers.cloudflare.com/realtime/sfu/api/ and the connection patterns page
 * (https://developers.cloudflare.com/realtime/sfu/get-started/connection-patterns/).
 */

let sfu: RunningSfu
beforeAll(async () => {
  sfu = await startTestSfu()
})
afterAll(() => sfu.close())

const base = `/v1/apps/${APP_ID}`

describe('data channels as documented', () => {
  // "Set at most one of maxRetransmits and maxPacketLifeTime"
  // (https://developers.cloudflare.com/realtime/sfu/features/datachannels/, "Configure message
  // delivery"); a bad combination of fields is invalid_params
  // (https://developers.cloudflare.com/realtime/sfu/observability/error-codes/).
  it('refuses maxRetransmits with maxPacketLifeTime as invalid_params, creating nothing', async () => {
    const a = await establish(sfu)
    const both = { maxRetransmits: 0, maxPacketLifeTime: 100 }
    const res = await raw(sfu, 'POST', `${base}/sessions/${a.sessionId}/datachannels/new`, {
      body: JSON.stringify({ dataChannels: [{ location: 'local', dataChannelName: 'state', ...both }] }),
    })
    expect({ status: res.status, errorCode: res.json.errorCode }).toEqual({ status: 406, errorCode: 'invalid_params' })
    const { sessionId } = await clientFor(sfu).newSession()
    const est = await raw(sfu, 'POST', `${base}/sessions/${sessionId}/datachannels/establish`, {
      body: JSON.stringify({ dataChannel: { location: 'remote', dataChannelName: 'server-events', ...both } }),
    })
    expect({ status: est.status, errorCode: est.json.errorCode }).toEqual({ status: 406, errorCode: 'invalid_params' })
    const api = clientFor(sfu)
    expect((await api.getSession(a.sessionId)).dataChannels.map((c) => c.dataChannelName)).toEqual(['server-events'])
    expect((await api.getSession(sessionId)).dataChannels).toEqual([])
    // Either one alone is a delivery policy the SFU takes.
    const one = await api.newDataChannels(a.sessionId, {
      dataChannels: [{ location: 'local', dataChannelName: 'state', maxRetransmits: 0, ordered: false }],
    })
    expect(one.dataChannels?.[0]).toEqual({ location: 'local', dataChannelName: 'state', id: expect.any(Number) })
    await a.pc.close()
  })

  // "Media and DataChannels in the first offer: an endpoint can negotiate both in its initial
  // tracks/new offer. After that exchange, skip datachannels/establish and allocate application
  // channels through datachannels/new" (connection patterns page, "Other initial negotiation
  // sequences"). The endpoint's own in-band channel then shares the SCTP association with the
  // SFU's, so their stream ids must not clash (RFC 8832 §6: DTLS client even, server odd).
  it("allocates channels beside the endpoint's own DataChannel from its first offer", async () => {
    const api = clientFor(sfu)
    const pc = clientPeer()
    const own = pc.createDataChannel('own')
    const source = new SyntheticSource('audio', 7)
    const transceiver = pc.addTransceiver(source.track, { direction: 'sendonly' })
    await pc.setLocalDescription(await pc.createOffer())
    expect(pc.localDescription!.sdp).toMatch(/^m=application /m)
    const { sessionId } = await api.newSession()
    const pushed = await api.newTracks(sessionId, {
      sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
      tracks: [{ location: 'local', trackName: 'mic', mid: transceiver.mid! }],
    })
    await pc.setRemoteDescription(pushed.sessionDescription!)
    await connected(pc)
    // Open means the SFU took the endpoint's DCEP open: its stream id is in use at both ends.
    await waitFor(() => own.readyState === 'open', "the endpoint's own channel open")

    const ids: number[] = []
    for (const name of ['chat', 'chat-2']) {
      const res = await raw(sfu, 'POST', `${base}/sessions/${sessionId}/datachannels/new`, {
        body: JSON.stringify({ dataChannels: [{ location: 'local', dataChannelName: name }] }),
      })
      expect(res.status).toBe(200)
      const [item] = res.json.dataChannels as Array<{ id: number; errorCode?: string }>
      expect(item?.errorCode).toBeUndefined()
      ids.push(item!.id)
    }
    // The SFU answered with a=setup:active, so it is the DTLS client: even ids; the endpoint odd.
    expect(pushed.sessionDescription!.sdp).toMatch(/^a=setup:active\r?$/m)
    expect(own.id % 2).toBe(1)
    expect(ids.map((id) => id % 2)).toEqual([0, 0])
    expect(new Set([own.id, ...ids]).size).toBe(3)

    // And the channel carries messages to a subscriber like any other.
    const b = await establish(sfu)
    const [sub] = (
      await api.newDataChannels(b.sessionId, {
        dataChannels: [{ location: 'remote', dataChannelName: 'chat', sessionId }],
      })
    ).dataChannels!
    const sender = pc.createDataChannel('chat', { negotiated: true, id: ids[0]! })
    const receiver = b.pc.createDataChannel('chat', { negotiated: true, id: sub!.id! })
    const heard = collect(receiver)
    await waitFor(() => sender.readyState === 'open' && receiver.readyState === 'open', 'channels open')
    await untilHeard(sender, 'hello', heard)
    expect(own.readyState).toBe('open')
    await pc.close()
    await b.pc.close()
  })

  // The documented update body names the subscription, not its id, and the documented items of
  // update and close carry location, sessionId, dataChannelName and id (the API schema's
  // grant_can_reply and close examples; the DataChannels page, "Change reply access").
  it('updates a subscription named by publisher and channel name, and answers with whole items', async () => {
    const api = clientFor(sfu)
    const [a, b] = [await establish(sfu), await establish(sfu)]
    const [pub] = (
      await api.newDataChannels(a.sessionId, { dataChannels: [{ location: 'local', dataChannelName: 'votes' }] })
    ).dataChannels!
    const [sub] = (
      await api.newDataChannels(b.sessionId, {
        dataChannels: [{ location: 'remote', sessionId: a.sessionId, dataChannelName: 'votes' }],
      })
    ).dataChannels!
    const atA = a.pc.createDataChannel('votes', { negotiated: true, id: pub!.id! })
    const atB = b.pc.createDataChannel('votes', { negotiated: true, id: sub!.id! })
    const heardByA = collect(atA)
    await waitFor(() => atA.readyState === 'open' && atB.readyState === 'open', 'channels open')
    await sfuEndsOpen(sfu, [a, b])

    const item = { location: 'remote', sessionId: a.sessionId, dataChannelName: 'votes' }
    const granted = await raw(sfu, 'PUT', `${base}/sessions/${b.sessionId}/datachannels/update`, {
      body: JSON.stringify({ dataChannels: [{ ...item, canReply: true }] }),
    })
    expect(granted.status).toBe(200)
    expect(granted.json).toEqual({ dataChannels: [{ ...item, canReply: true, id: sub!.id }] })
    await untilHeard(atB, 'a reply', heardByA)

    const unknown = await raw(sfu, 'PUT', `${base}/sessions/${b.sessionId}/datachannels/update`, {
      body: JSON.stringify({ dataChannels: [{ ...item, dataChannelName: 'nope', canReply: true }] }),
    })
    expect(unknown.json.dataChannels).toEqual([
      { ...item, dataChannelName: 'nope', errorCode: 'update_track_error', errorDescription: expect.any(String) },
    ])
    const unnamed = await raw(sfu, 'PUT', `${base}/sessions/${b.sessionId}/datachannels/update`, {
      body: JSON.stringify({ dataChannels: [{ location: 'remote', canReply: true }] }),
    })
    expect({ status: unnamed.status, errorCode: unnamed.json.errorCode }).toEqual({
      status: 406,
      errorCode: 'invalid_params',
    })

    const closed = await raw(sfu, 'PUT', `${base}/sessions/${b.sessionId}/datachannels/close`, {
      body: JSON.stringify({ dataChannels: [{ id: sub!.id }] }),
    })
    expect(closed.json).toEqual({ dataChannels: [{ ...item, id: sub!.id }] })
    const closedPub = await raw(sfu, 'PUT', `${base}/sessions/${a.sessionId}/datachannels/close`, {
      body: JSON.stringify({ dataChannels: [{ id: pub!.id }] }),
    })
    expect(closedPub.json).toEqual({ dataChannels: [{ location: 'local', dataChannelName: 'votes', id: pub!.id }] })
    await a.pc.close()
    await b.pc.close()
  })
})
