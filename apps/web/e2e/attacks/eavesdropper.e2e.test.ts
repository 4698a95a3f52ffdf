import { afterAll, describe, expect, it } from 'vitest'
import { people } from '../people.ts'
import { captured, decodeOpus, decodeVp8, frameCapture, micTone, pull, refOf, type TrackRef } from './eavesdropper.ts'
import { isEvent, isState, outsider, roomSocket, stackUrl, tab, type RawSocket } from './outsider.ts'

/*
 * The SFU operator listening in (eavesdropper.ts): the same harness on an unencrypted meeting,
 * where what it pulls must decode (the positive control: otherwise "cannot decode" below would
 * prove nothing), and on an end-to-end encrypted one, where it must not.
 */

const { join: joinAs, newPage } = people({ perTest: true })
const roomName = (what: string) => `e2e-eavesdrop-${what}-${Date.now().toString(36)}`
const sockets: RawSocket[] = []
afterAll(() => sockets.forEach((s) => s.close()))

/** `name`'s published mic and camera, as the room shows them to anyone in the meeting (state, then its events). */
async function publishedBy(room: string, name: string): Promise<{ audio: TrackRef; video: TrackRef }> {
  const who = await outsider('Onlooker')
  const socket = await roomSocket(room, who, `${who.key}${tab()}`)
  sockets.push(socket)
  await socket.next(isState)
  socket.send({ type: 'userUpdate', user: { joined: true } })
  await socket.next(isEvent('UserUpdated'))
  const refs = (): { audio?: string; video?: string } => {
    let id: string | undefined
    let tracks: { audio?: string; video?: string } = {}
    for (const m of socket.messages) {
      if (m.type === 'roomState') {
        const user = m.state.users.find((u) => u.name === name)
        id = user?.id ?? id
        if (user) tracks = { audio: user.tracks.audio, video: user.tracks.video }
      } else if (m.type === 'event' && m.event.type === 'UserUpdated' && m.event.data.userId === id) {
        tracks = { ...tracks, ...m.event.data.patch.tracks }
      }
    }
    return tracks
  }
  await expect.poll(() => !!refs().audio && !!refs().video, { timeout: 30_000 }).toBe(true)
  const { audio, video } = refs()
  return { audio: refOf(audio!), video: refOf(video!) }
}

/** Ada in a meeting of `room` (encrypted as `e2ee` says), and what the operator gets of her media. */
async function listenIn(room: string, e2ee: boolean) {
  await joinAs('Ada', room, {
    inLobby: async (page) => {
      const toggle = page.getByRole('switch', { name: 'End-to-end encryption' })
      await toggle.setChecked(e2ee)
    },
  })
  const tracks = await publishedBy(room, 'Ada')
  const eve = await newPage('Eve', frameCapture)
  // A page of the stack's origin: loopback is a secure context, which WebCodecs needs.
  await eve.goto(`${stackUrl}/api/health`)
  const mic = await micTone(eve)
  await pull(eve, [tracks.audio, tracks.video])
  // Ten seconds of audio frames, and video from a keyframe on.
  await expect
    .poll(
      async () => {
        const got = await captured(eve)
        return got.audio >= 500 && got.keyframes >= 1
      },
      { timeout: 45_000 },
    )
    .toBe(true)
  const report = {
    mic,
    vp8: await decodeVp8(eve),
    opus: await decodeOpus(eve, mic.peakHz),
    captured: await captured(eve),
  }
  console.log(`eavesdropper on ${e2ee ? 'an encrypted' : 'an unencrypted'} meeting: ${JSON.stringify(report)}`)
  return report
}

describe('the SFU operator listening in', () => {
  it(
    'decodes an unencrypted meeting: VP8 pictures, and the fake mic’s tone in the Opus',
    { timeout: 120_000 },
    async () => {
      const { mic, vp8, opus } = await listenIn(roomName('plain'), false)
      // The fake mic is a tone: most of its power near one frequency.
      expect(mic.level).toBeGreaterThan(0.01)
      expect(vp8.keyframesDecoded).toBeGreaterThan(0)
      expect(vp8.framesDecoded).toBeGreaterThan(10)
      expect(vp8.errors).toEqual([])
      expect(opus.errors).toEqual([])
      expect(opus.level).toBeGreaterThan(0.01)
      expect(Math.abs(opus.peakHz - mic.peakHz)).toBeLessThanOrEqual(20)
      expect(opus.toneShare).toBeGreaterThan(mic.toneShare / 2)
    },
  )

  it(
    'cannot decode an end-to-end encrypted meeting: no VP8 keyframe decodes, and the Opus is not the tone',
    { timeout: 240_000 },
    async () => {
      const control = await listenIn(roomName('control'), false)
      const { vp8, opus, captured: got } = await listenIn(roomName('encrypted'), true)
      // It did get the media: what follows is about decoding it, not about receiving nothing.
      expect(got.keyframes).toBeGreaterThan(0)
      expect(got.audio).toBeGreaterThanOrEqual(500)
      expect(vp8.keyframesDecoded).toBe(0)
      // Opus that does not decode at all, or decodes to something that is not the tone.
      const tone = Math.abs(opus.peakHz - control.mic.peakHz) <= 20 && opus.toneShare > control.opus.toneShare / 4
      expect(opus.decoded === 0 || !tone).toBe(true)
    },
  )
})
