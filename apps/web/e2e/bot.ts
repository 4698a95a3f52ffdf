import { NewSessionResponse, TracksResponse } from '@tangerine/contracts/calls/api'
import type { RTCPeerConnection } from 'werift'
import { vp8Peer } from './vp8-peer.ts'
import { outsider, stackUrl, tab, type Outsider } from './attacks/outsider.ts'
import { RoomPresence } from './bot-presence.ts'
import { RtpLoop } from './rtp-loop.ts'
import type { Recording } from './vp8-recording.ts'

/*
 * Someone in a meeting, run by the test process instead of a Chromium page, for tests that need
 * more people than this machine runs pages (the stage with sixteen). Like a page, it has an
 * identity of its own (a lobby cookie), stays in the meeting through its room socket
 * (bot-presence.ts), opens a Calls session through the gateway's Calls proxy as a member of the
 * meeting, publishes a camera — real VP8, a recording replayed in a loop (rtp-loop.ts) — and
 * announces it in the room as the web app does (`videoEnabled`, then the track's reference).
 * No mic: `audioUnavailable`, as a page without one says. Costs a werift peer and a timer,
 * not a browser.
 */

export interface Bot {
  name: string
  /** Its user id in the room. */
  id: string
  /** Its Calls session and camera, as the room names the track. */
  video: string
  loop: RtpLoop
  presence: RoomPresence
  /** Why earlier Calls connections failed, if any did. */
  failures: string[]
  leave(): Promise<void>
}

const origin = new URL(stackUrl).origin

/** One call to the gateway's Calls proxy as `who` (user `id` of `room`), parsed with the Calls schema. */
async function callsProxy<T>(
  schema: { parse(value: unknown): T },
  at: { who: Outsider; id: string; room: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const query = new URLSearchParams({ room: at.room, user: at.id })
  const res = await fetch(`${stackUrl}/api/partytracks${path}?${query}`, {
    method,
    headers: { cookie: at.who.cookie, origin },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`Calls proxy ${method} ${path}: ${res.status} ${text.slice(0, 300)}`)
  return schema.parse(JSON.parse(text))
}

async function connected(pc: RTCPeerConnection, what: string) {
  // werift's DTLS is JS crypto: on a busy 2-core machine a handshake has taken over 20 s.
  const deadline = performance.now() + 45_000
  while (pc.connectionState !== 'connected') {
    if (performance.now() > deadline || pc.connectionState === 'failed')
      throw new Error(`${what}: ${pc.connectionState} (ICE ${pc.iceConnectionState})`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A Calls session of `at`'s publishing `loop.track`, connected; the loop is not started yet. */
async function publish(at: { who: Outsider; id: string; room: string }, loop: RtpLoop, name: string) {
  const pc = vp8Peer('sender')
  try {
    const { sessionId } = await callsProxy(NewSessionResponse, at, 'POST', '/sessions/new')
    const transceiver = pc.addTransceiver(loop.track, { direction: 'sendonly' })
    // The SFU passes a puller's picture loss on: start again at the key frame.
    transceiver.sender.onPictureLossIndication.subscribe(() => loop.restart())
    await pc.setLocalDescription(await pc.createOffer())
    const trackName = crypto.randomUUID()
    const pushed = await callsProxy(TracksResponse, at, 'POST', `/sessions/${sessionId}/tracks/new`, {
      sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
      tracks: [{ location: 'local', trackName, mid: transceiver.mid! }],
    })
    const refused = pushed.tracks?.find((t) => t.errorCode)
    if (refused || pushed.sessionDescription?.type !== 'answer')
      throw new Error(`The SFU did not take ${name}'s camera: ${JSON.stringify(pushed).slice(0, 300)}`)
    await pc.setRemoteDescription(pushed.sessionDescription)
    await connected(pc, `${name}'s Calls connection`)
    return { pc, video: `${sessionId}/${trackName}` }
  } catch (err) {
    await pc.close()
    throw err
  }
}

/** Attempts at a Calls connection: werift's ICE checks have timed out on a loaded machine. */
const PUBLISH_ATTEMPTS = 3

/** `name` joins the meeting of `room` with a camera playing `recording`. */
export async function joinBot(name: string, room: string, recording: Recording): Promise<Bot> {
  const who = await outsider(name)
  const id = `${who.key}${tab()}`
  const at = { who, id, room }
  // The media service serves only people in the meeting: in first, as the page is.
  const presence = await RoomPresence.enter(room, who, id, {
    audioEnabled: false,
    audioUnavailable: true,
    videoEnabled: true,
  })
  const failures: string[] = []
  // A failed connection gets a new session, as a page's does (media/session-watch.ts).
  while (failures.length < PUBLISH_ATTEMPTS) {
    const loop = new RtpLoop(recording)
    try {
      const { pc, video } = await publish(at, loop, name)
      loop.start()
      presence.updateTracks({ video })
      return {
        name,
        id,
        video,
        loop,
        presence,
        failures,
        async leave() {
          presence.leave()
          loop.stop()
          await pc.close()
        },
      }
    } catch (err) {
      failures.push((err as Error).message)
    }
  }
  presence.leave()
  throw new Error(`${name} could not publish a camera: ${failures.join('; ')}`)
}
