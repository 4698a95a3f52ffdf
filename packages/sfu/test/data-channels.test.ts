import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningSfu } from '../src/server.ts'
import { APP_ID, clientFor, raw, startTestSfu } from './helpers/sfu.ts'
import { clientPeer } from './helpers/peer.ts'
import {
  collect,
  establish as establishWith,
  sfuEndsOpen as sfuEndsOpenAt,
  takenIn as takenInAt,
  untilHeard,
} from './helpers/data-channels.ts'
import { waitFor } from './helpers/wait.ts'
import type { RTCDataChannel } from 'werift'
import { CallsApiError } from '@tangerine/contracts/calls/client'

let sfu: RunningSfu
beforeAll(async () => {
  sfu = await startTestSfu()
})
afterAll(() => sfu.close())

const base = `/v1/apps/${APP_ID}`

const establish = () => establishWith(sfu)

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
      { location: 'remote', dataChannelName: 'chat', sessionId: a.sessionId, id: subItem!.id },
      { id: 99, errorCode: 'close_track_error', errorDescription: expect.any(String) },
    ])
    await a.pc.close()
    await b.pc.close()
  })

  // "At most one subscriber may hold canReply for a given publisher DataChannel at a time.
  // Granting canReply to another subscriber replaces the previous selection. The publisher receives
  // reverse traffic only" (https://developers.cloudflare.com/realtime/sfu/platform/limits/ and
  // https://developers.cloudflare.com/realtime/sfu/features/datachannels/, "Return to publisher").
  it('lets one subscriber reply to the publisher (canReply); each grant replaces the last', async () => {
    const api = clientFor(sfu)
    const [a, b, c] = [await establish(), await establish(), await establish()]
    const [pub] = (
      await api.newDataChannels(a.sessionId, { dataChannels: [{ location: 'local', dataChannelName: 'votes' }] })
    ).dataChannels!
    const subscribe = async (session: { sessionId: string }, canReply: boolean) =>
      (
        await api.newDataChannels(session.sessionId, {
          dataChannels: [{ location: 'remote', dataChannelName: 'votes', sessionId: a.sessionId, canReply }],
        })
      ).dataChannels![0]!
    const bSub = await subscribe(b, true)
    const atA = a.pc.createDataChannel('votes', { negotiated: true, id: pub!.id! })
    const atB = b.pc.createDataChannel('votes', { negotiated: true, id: bSub.id! })
    const heardByA = collect(atA)
    await waitFor(() => atA.readyState === 'open' && atB.readyState === 'open', 'channels open')
    await sfuEndsOpen([a, b])
    await untilHeard(atB, 'from B', heardByA)

    // C subscribes with canReply too: accepted, and from now on C replies, not B.
    const cSub = await subscribe(c, true)
    expect(cSub).toEqual({
      location: 'remote',
      dataChannelName: 'votes',
      sessionId: a.sessionId,
      id: expect.any(Number),
    })
    const atC = c.pc.createDataChannel('votes', { negotiated: true, id: cSub.id! })
    await waitFor(() => atC.readyState === 'open', "C's channel open")
    await sfuEndsOpen([c])
    const replaced = async (from: RTCDataChannel, session: { sessionId: string }, id: number, text: string) => {
      const before = takenIn(session.sessionId, id)
      from.send(text)
      await waitFor(() => takenIn(session.sessionId, id) > before, `the SFU taking in "${text}"`)
    }
    await replaced(atB, b, bSub.id!, 'from B, replaced')
    await untilHeard(atC, 'from C', heardByA)

    // B takes it back by datachannels/update; C's messages stop reaching A.
    expect(await api.updateDataChannels(b.sessionId, { dataChannels: [{ id: bSub.id!, canReply: true }] })).toEqual({
      dataChannels: [
        { location: 'remote', sessionId: a.sessionId, dataChannelName: 'votes', id: bSub.id!, canReply: true },
      ],
    })
    await replaced(atC, c, cSub.id!, 'from C, replaced')
    // Had the SFU relayed either refused message, it would have gone down A's ordered channel first.
    await untilHeard(atB, 'from B again', heardByA)
    expect(heardByA.filter((m) => m.endsWith('replaced'))).toEqual([])

    // Revoked, B replies to nobody; C's subscription still does not.
    await api.updateDataChannels(b.sessionId, { dataChannels: [{ id: bSub.id!, canReply: false }] })
    await replaced(atB, b, bSub.id!, 'from B, revoked')
    await replaced(atC, c, cSub.id!, 'from C, revoked')
    expect(
      (await api.updateDataChannels(b.sessionId, { dataChannels: [{ id: 99, canReply: true }] })).dataChannels,
    ).toEqual([{ id: 99, errorCode: 'update_track_error', errorDescription: expect.any(String) }])
    // Nothing after the revoke reached A (a later message on the same ordered channel would show it).
    await api.updateDataChannels(c.sessionId, { dataChannels: [{ id: cSub.id!, canReply: true }] })
    await untilHeard(atC, 'from C, last', heardByA)
    expect(heardByA.filter((m) => m.endsWith('replaced') || m.endsWith('revoked'))).toEqual([])
    for (const p of [a, b, c]) await p.pc.close()
  })

  it('relays to a waitForAck subscriber only after its first message, which it keeps to itself', async () => {
    const api = clientFor(sfu)
    const [a, b] = [await establish(), await establish()]
    const [pub] = (
      await api.newDataChannels(a.sessionId, { dataChannels: [{ location: 'local', dataChannelName: 'feed' }] })
    ).dataChannels!
    const [sub] = (
      await api.newDataChannels(b.sessionId, {
        dataChannels: [
          { location: 'remote', dataChannelName: 'feed', sessionId: a.sessionId, waitForAck: true, canReply: true },
        ],
      })
    ).dataChannels!
    const atA = a.pc.createDataChannel('feed', { negotiated: true, id: pub!.id! })
    const atB = b.pc.createDataChannel('feed', { negotiated: true, id: sub!.id! })
    const heardByA = collect(atA)
    const heardByB = collect(atB)
    await waitFor(() => atA.readyState === 'open' && atB.readyState === 'open', 'channels open')
    await sfuEndsOpen([a, b])
    for (let i = 0; i < 10; i++) atA.send(`early ${i}`)
    // The SFU relays each message as it takes it in: all ten went wherever they go before B's ack.
    await waitFor(() => takenIn(a.sessionId, pub!.id!) === 10, 'the SFU taking in the early messages')
    expect(heardByB).toEqual([])
    atB.send('ready')
    await untilHeard(atA, 'after the ack', heardByB)
    // Any early message relayed to B went down its ordered channel before this one.
    expect(heardByB.some((m) => m.startsWith('early'))).toBe(false)
    // The ack was readiness, not a reply; the next message is one.
    await untilHeard(atB, 'a reply', heardByA)
    expect(heardByA).not.toContain('ready')
    await a.pc.close()
    await b.pc.close()
  })

  it('refuses a data channel on a transport that never connects, after waiting 5 s (425)', async () => {
    const api = clientFor(sfu)
    const { sessionId } = await api.newSession()
    const est = await api.establishDataChannel(sessionId, {
      dataChannel: { location: 'remote', dataChannelName: 'server-events' },
    })
    const pc = clientPeer()
    await pc.setRemoteDescription(est.sessionDescription as { type: 'offer'; sdp: string })
    await pc.setLocalDescription(await pc.createAnswer())
    const answer = pc.localDescription!.sdp
    // The answer arrives but its peer is gone: no ICE check will ever come.
    await pc.close()
    await api.renegotiate(sessionId, { sessionDescription: { type: 'answer', sdp: answer } })
    const started = Date.now()
    const refused = await api
      .newDataChannels(sessionId, { dataChannels: [{ location: 'local', dataChannelName: 'chat' }] })
      .then(
        () => undefined,
        (err: unknown) => err,
      )
    expect(refused).toBeInstanceOf(CallsApiError)
    expect(refused).toMatchObject({ status: 425, errorCode: 'session_error' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900)
    expect((await api.getSession(sessionId)).dataChannels.map((c) => c.dataChannelName)).toEqual(['server-events'])
  })
})

const sfuEndsOpen = (sessions: Array<{ sessionId: string }>) => sfuEndsOpenAt(sfu, sessions)
const takenIn = (sessionId: string, id: number) => takenInAt(sfu, sessionId, id)
