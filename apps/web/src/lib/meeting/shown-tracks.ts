import type { RoomState } from '@tangerine/contracts'

/**
 * The tracks the meeting view pulls for the others in the meeting, as its tiles do: each joined
 * person's camera, mic and screen while they have them on.
 */
export function shownTracksOf(state: RoomState | undefined, me: string): string[] {
  return (state?.users ?? [])
    .filter((u) => u.joined && u.id !== me)
    .flatMap(({ tracks: t }) => [
      t.videoEnabled ? t.video : undefined,
      t.audioEnabled ? t.audio : undefined,
      t.screenShareEnabled ? t.screenshare : undefined,
    ])
    .filter((ref): ref is string => !!ref)
}
