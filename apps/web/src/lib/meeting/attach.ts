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

/** `{@attach onScreen(callback)}`: whether any of the element is in the viewport, each time that changes. */
export function onScreen(callback: (visible: boolean) => void): Attachment<Element> {
  return (element) => {
    const observer = new IntersectionObserver((entries) => {
      const last = entries.at(-1)
      if (last) callback(last.isIntersecting)
    })
    observer.observe(element)
    return () => observer.disconnect()
  }
}
