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
  return (state?.users ?? [])
    .filter((u) => u.joined && u.id !== me)
    .flatMap(({ tracks: t }) => [
      cameras && t.videoEnabled ? t.video : undefined,
      t.audioEnabled ? t.audio : undefined,
      screens && t.screenShareEnabled ? t.screenshare : undefined,
    ])
    .filter((ref): ref is string => !!ref)
}
