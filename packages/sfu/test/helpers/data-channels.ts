import { expect } from 'vitest'
import type { RTCDataChannel, RTCPeerConnection } from 'werift'
import type { RunningSfu } from '../../src/server.ts'
import { APP_ID, clientFor, raw } from './sfu.ts'
import { clientPeer, connected } from './peer.ts'
import { waitFor } from './wait.ts'

/** A session with the data channel transport, established the current way (SFU offer), connected. */
export async function establish(sfu: RunningSfu): Promise<{ pc: RTCPeerConnection; sessionId: string }> {
  const api = clientFor(sfu)
  const { sessionId } = await api.newSession()
  const res = await raw(sfu, 'POST', `/v1/apps/${APP_ID}/sessions/${sessionId}/datachannels/establish`, {
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

/**
 * Waits until the SFU's end of every channel of each session is open (`active`: its side of the
 * SCTP association is up). Until then it drops what it would relay, so an absence proves nothing.
 */
export async function sfuEndsOpen(sfu: RunningSfu, sessions: Array<{ sessionId: string }>) {
  const api = clientFor(sfu)
  await waitFor(async () => {
    const states = await Promise.all(sessions.map((s) => api.getSession(s.sessionId)))
    return states.every((state) => state.dataChannels.every((c) => c.status === 'active'))
  }, "the SFU's ends of the channels open")
}

/** Messages the SFU's end of channel `id` has taken in; it relays (or drops) each as it arrives. */
export function takenIn(sfu: RunningSfu, sessionId: string, id: number): number {
  const record = sfu.registry.findSession(APP_ID, sessionId)?.dataChannels.find((c) => c.id === id)
  if (!record) throw new Error(`no channel ${id} on session ${sessionId}`)
  return record.channel.messagesReceived
}

export function collect(channel: RTCDataChannel): string[] {
  const heard: string[] = []
  channel.onMessage.subscribe((m) => heard.push(m.toString()))
  return heard
}

/** Sends `text` on `from` until it shows up in `heard` (the SFU's side of a channel opens a little later). */
export async function untilHeard(from: RTCDataChannel, text: string, heard: string[]) {
  await waitFor(async () => {
    from.send(text)
    await new Promise((r) => setTimeout(r, 50))
    return heard.includes(text)
  }, `"${text}" relayed`)
}
