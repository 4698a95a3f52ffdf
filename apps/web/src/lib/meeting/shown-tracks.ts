import type { RoomState } from '@tangerine/contracts'

/**
 * The tracks the meeting view pulls for the others in the meeting, as its tiles do: each joined
 * person's camera, mic and screen while they have them on (without the cameras or the screens
 * when the person chose to see less: data saver, audio only).
 */
export function shownTracksOf(
  state: RoomState | undefined,
  me: string,
  { cameras = true, screens = true } = {},
): string[] {
  const others = (state?.users ?? []).filter((u) => u.joined && u.id !== me).map((u) => u.tracks)
  // Voices first: they are what matters most on joining, and the first pull is the one a
  // session keeps for its life (the BUNDLE tag, see Calls): a voice costs least to keep.
  return [
    ...others.map((t) => (t.audioEnabled ? t.audio : undefined)),
    ...others.map((t) => (cameras && t.videoEnabled ? t.video : undefined)),
    ...others.map((t) => (screens && t.screenShareEnabled ? t.screenshare : undefined)),
  ].filter((ref): ref is string => !!ref)
}
