import type { Page } from 'playwright-core'

/** The init script these read from: every peer connection the page makes, kept in `window.__pcs`. */
export { keepPeerConnections } from './audio.ts'

/** The camera's outbound simulcast streams on the page, by rid: bytes sent so far and the frame size. */
export function outboundByRid(page: Page) {
  return page.evaluate(async () => {
    const out: Record<string, { bytesSent: number; frameWidth?: number }> = {}
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState !== 'connected') continue
      for (const s of (await pc.getStats()).values() as Iterable<Record<string, unknown>>) {
        if (s.type !== 'outbound-rtp' || s.kind !== 'video' || typeof s.rid !== 'string') continue
        out[s.rid] = { bytesSent: Number(s.bytesSent ?? 0), frameWidth: s.frameWidth as number | undefined }
      }
    }
    return out
  })
}

/** What the page receives of the video in `name`'s tile (inbound-rtp of the track it shows), or undefined. */
export function tileInbound(page: Page, name: string) {
  return page.evaluate(async (name) => {
    const video = document.querySelector<HTMLVideoElement>(`[data-testid="tile"][data-name="${name}"] video`)
    const track = (video?.srcObject as MediaStream | null | undefined)?.getVideoTracks()[0]
    if (!track) return undefined
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      for (const s of (await pc.getStats()).values() as Iterable<Record<string, unknown>>) {
        if (s.type === 'inbound-rtp' && s.trackIdentifier === track.id) {
          return { frameWidth: s.frameWidth as number | undefined, bytesReceived: Number(s.bytesReceived ?? 0) }
        }
      }
    }
    return undefined
  }, name)
}

/** The kind of each pulled track on the page's peer connections, by mid (what the SFU's session lists). */
export function kindsByMid(page: Page) {
  return page.evaluate(() =>
    Object.fromEntries(
      (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs
        .filter((pc) => pc.connectionState !== 'closed')
        .flatMap((pc) => pc.getTransceivers())
        .filter((t) => t.mid !== null)
        .map((t) => [t.mid!, t.receiver.track.kind]),
    ),
  )
}
