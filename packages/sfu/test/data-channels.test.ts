import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RTCPeerConnection } from 'werift'
import type { RunningSfu } from '../src/server.ts'
import { APP_ID, clientFor, raw, startTestSfu } from './helpers/sfu.ts'
import { clientPeer, connected } from './helpers/peer.ts'
import { waitFor } from './helpers/wait.ts'

let sfu: RunningSfu
beforeAll(async () => {
  sfu = await startTestSfu()
})
afterAll(() => sfu.close())

const base = `/v1/apps/${APP_ID}`

/** A session with the data channel transport, established the current way (SFU offer). */
async function establish(): Promise<{ pc: RTCPeerConnection; sessionId: string }> {
  const api = clientFor(sfu)
  const { sessionId } = await api.newSession()
  const res = await raw(sfu, 'POST', `${base}/sessions/${sessionId}/datachannels/establish`, {
    body: JSON.stringify({ dataChannel: { location: 'remote', dataChannelName: 'server-events' } }),
  })
  expect(res.status).toBe(200)
  expect(res.json).toMatchObject({
    requiresImmediateRenegotiation: true,
    dataChannel: { dataChannelName: 'server-events', id: 0 },
    sessionDescription: { type: 'offer' },
  })
  const pc = clientPeer()
  await pc.setRemoteDescription(res.json.sessionDescription as { type: 'offer'; sdp: string })
  expect(pc.remoteDescription!.sdp).toMatch(/^m=application /m)
  await pc.setLocalDescription(await pc.createAnswer())
  await api.renegotiate(sessionId, { sessionDescription: { type: 'answer', sdp: pc.localDescription!.sdp } })
  await connected(pc)
  return { pc, sessionId }
}

describe('data channels', () => {
  it('relays a published channel to a subscriber over negotiated channels', async () => {
    const a = await establish()
    const b = await establish()
    const again = await raw(sfu, 'POST', `${base}/sessions/${a.sessionId}/datachannels/establish`, {
      body: JSON.stringify({ dataChannel: { location: 'remote', dataChannelName: 'server-events' } }),
    })
    expect(again.status).toBe(400)
    expect(again.json.errorCode).toBe('decoding_error')

    const pub = await raw(sfu, 'POST', `${base}/sessions/${a.sessionId}/datachannels/new`, {
      body: JSON.stringify({ dataChannels: [{ location: 'local', dataChannelName: 'chat' }] }),
    })
    const pubId = (pub.json.dataChannels as Array<{ id: number }>)[0]!.id
    expect(pub.json.dataChannels).toEqual([{ location: 'local', dataChannelName: 'chat', id: pubId }])
    const sub = await raw(sfu, 'POST', `${base}/sessions/${b.sessionId}/datachannels/new`, {
      body: JSON.stringify({
        dataChannels: [
          { location: 'remote', dataChannelName: 'chat', sessionId: a.sessionId },
          { location: 'remote', dataChannelName: 'nope', sessionId: a.sessionId },
        ],
      }),
    })
    const [subItem, missing] = sub.json.dataChannels as Array<Record<string, unknown>>
    expect(subItem).toEqual({
      location: 'remote',
      dataChannelName: 'chat',
      sessionId: a.sessionId,
      id: expect.any(Number),
    })
    expect(missing?.errorCode).toBe('not_found_track_error')

    const sender = a.pc.createDataChannel('chat', { negotiated: true, id: pubId })
    const receiver = b.pc.createDataChannel('chat', { negotiated: true, id: subItem!.id as number })
    const got: string[] = []
    receiver.onMessage.subscribe((m) => got.push(m.toString()))
    await waitFor(() => sender.readyState === 'open' && receiver.readyState === 'open', 'channels open')
    await waitFor(async () => {
      sender.send('hello')
      await new Promise((r) => setTimeout(r, 50))
      return got.includes('hello')
    }, 'the message relayed')

    const state = await clientFor(sfu).getSession(b.sessionId)
    expect(state.dataChannels).toEqual([
      { location: 'remote', dataChannelName: 'server-events', id: 0, status: expect.any(String) },
      { location: 'remote', dataChannelName: 'chat', sessionId: a.sessionId, id: subItem!.id, status: 'active' },
    ])
    const closed = await raw(sfu, 'PUT', `${base}/sessions/${b.sessionId}/datachannels/close`, {
      body: JSON.stringify({ dataChannels: [{ id: subItem!.id }, { id: 99 }] }),
    })
    expect(closed.json.dataChannels).toEqual([
      { id: subItem!.id },
      { id: 99, errorCode: 'close_track_error', errorDescription: expect.any(String) },
    ])
    await a.pc.close()
    await b.pc.close()
  })
})
