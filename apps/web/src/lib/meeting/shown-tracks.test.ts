import type { RoomState, User } from '@tangerine/contracts'
import { describe, expect, it } from 'vitest'
import { shownTracksOf } from './shown-tracks.ts'

const off = { audioEnabled: false, audioUnavailable: false, videoEnabled: false, screenShareEnabled: false }
const user = (id: string, joined: boolean, tracks: Partial<User['tracks']>): User => ({
  id,
  name: id,
  verified: false,
  joined,
  raisedHand: false,
  speaking: false,
  tracks: { ...off, ...tracks },
})
const state = (...users: User[]) => ({ users }) as unknown as RoomState

describe('the tracks the meeting view shows', () => {
  it('are the others’ tracks that are on, for those in the meeting', () => {
    const room = state(
      user('me', true, { video: 's1/cam', videoEnabled: true, audio: 's1/mic', audioEnabled: true }),
      user('ada', true, { video: 's2/cam', videoEnabled: true, audio: 's2/mic', audioEnabled: false }),
      user('bob', true, { video: 's3/cam', videoEnabled: false, screenshare: 's3/screen', screenShareEnabled: true }),
      user('cy', false, { video: 's4/cam', videoEnabled: true, audio: 's4/mic', audioEnabled: true }),
    )
    expect(shownTracksOf(room, 'me')).toEqual(['s2/cam', 's3/screen'])
    expect(shownTracksOf(undefined, 'me')).toEqual([])
  })

  it('include the mic of someone in the meeting with it on, and not once it is off', () => {
    const dee = (audioEnabled: boolean) =>
      user('dee', true, { video: 's5/cam', videoEnabled: true, audio: 's5/mic', audioEnabled })
    expect(shownTracksOf(state(user('me', true, {}), dee(true)), 'me')).toEqual(['s5/mic', 's5/cam'])
    expect(shownTracksOf(state(user('me', true, {}), dee(false)), 'me')).toEqual(['s5/cam'])
    // A mic that is on but not published yet has no track to pull.
    expect(shownTracksOf(state(user('eve', true, { audioEnabled: true })), 'me')).toEqual([])
  })

  it('list everyone’s voice before any camera or screen (the first pull is kept for the session’s life)', () => {
    const room = state(
      user('me', true, {}),
      user('ada', true, { video: 's2/cam', videoEnabled: true, audio: 's2/mic', audioEnabled: true }),
      user('bob', true, { video: 's3/cam', videoEnabled: true, audio: 's3/mic', audioEnabled: true }),
    )
    expect(shownTracksOf(room, 'me')).toEqual(['s2/mic', 's3/mic', 's2/cam', 's3/cam'])
  })

  it('leave out the cameras for data saver, and the screens too for audio only', () => {
    const room = state(
      user('me', true, {}),
      user('ada', true, { video: 's2/cam', videoEnabled: true, audio: 's2/mic', audioEnabled: true }),
      user('bob', true, { screenshare: 's3/screen', screenShareEnabled: true }),
    )
    expect(shownTracksOf(room, 'me', { cameras: false })).toEqual(['s2/mic', 's3/screen'])
    expect(shownTracksOf(room, 'me', { cameras: false, screens: false })).toEqual(['s2/mic'])
  })
})
