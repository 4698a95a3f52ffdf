import type { Locator, Page } from 'playwright-core'
import { tileOf } from './tiles.ts'

/**
 * Loudest RMS (0..1) of what an `<audio>` plays, over about a second and a half, through WebAudio
 * as an ear would get it; 0 without one. Each reading spans 0.68 s (32768 samples at 48 kHz),
 * longer than the gaps in Chromium's fake mic sound.
 */
export async function loudest(audio: Locator): Promise<number> {
  if ((await audio.count()) === 0) return 0
  return audio.evaluate(async (el: HTMLAudioElement) => {
    const stream = el.srcObject as MediaStream | null
    if (!stream || stream.getAudioTracks().length === 0) return 0
    const context = new AudioContext()
    await context.resume()
    const analyser = context.createAnalyser()
    analyser.fftSize = 32768
    context.createMediaStreamSource(stream).connect(analyser)
    const samples = new Float32Array(analyser.fftSize)
    let max = 0
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 250))
      analyser.getFloatTimeDomainData(samples)
      let sum = 0
      for (const s of samples) sum += s * s
      max = Math.max(max, Math.sqrt(sum / samples.length))
    }
    await context.close()
    return max
  })
}

/** How loud `name`'s mic is on `page`, as their tile plays it. */
export const levelOf = (page: Page, name: string) => loudest(tileOf(page, name).locator('audio'))

/** Above this, a fake mic is getting through (it reads 0.07–0.1 RMS at its source); a disabled mic reads exactly 0. */
export const HEARD = 0.01
/** Below this, nothing is getting through. */
export const SILENT = 0.001

/** Test instrumentation, run before the app: keeps every peer connection the page makes. */
export function keepPeerConnections() {
  const Native = window.RTCPeerConnection
  const w = window as unknown as { __pcs: RTCPeerConnection[] }
  w.__pcs = []
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config)
      w.__pcs.push(this)
    }
  }
}

/** The tracks of `kind` this page sends (needs `keepPeerConnections`): which device, whether live and on. */
export const tracksSent = (page: Page, kind: 'audio' | 'video') =>
  page.evaluate(
    (kind) =>
      (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs
        .filter((pc) => pc.connectionState !== 'closed')
        .flatMap((pc) => pc.getSenders())
        .flatMap(({ track: t }) =>
          t?.kind === kind ? [{ label: t.label, live: t.readyState === 'live', enabled: t.enabled }] : [],
        ),
    kind,
  )

/** The mics this page sends, live or not, on or not. */
export const micsSent = async (page: Page) =>
  (await tracksSent(page, 'audio')).map(({ live, enabled }) => ({ live, enabled }))
