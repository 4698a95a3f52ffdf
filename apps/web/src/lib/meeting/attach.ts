import type { Attachment } from 'svelte/attachments'

/** `{@attach playing(track)}`: shows a track in a <video> or plays it in an <audio>. */
export function playing(track: MediaStreamTrack | undefined): Attachment<HTMLMediaElement> {
  return (element) => {
    element.srcObject = track ? new MediaStream([track]) : null
    if (track) element.play().catch(() => {})
    return () => {
      element.srcObject = null
    }
  }
}
