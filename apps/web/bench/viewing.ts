// What a viewer receives of one camera under each way of viewing (issue #17): its tile large, its
// tile small (each gets the simulcast layer that fits), data saver (the lowest layer, Ada being
// the one speaking) and audio only; and what the camera sends per layer. Real Chromium pages on
// the whole local system (`startStack`); kbit/s from the pages' own getStats over MEASURE_MS after
// SETTLE_MS, each condition a fresh viewer. Prints figures; asserts nothing.
// Run: npm run bench -w apps/web     (MEASURE_MS=10000 SETTLE_MS=8000 by default)
import type { Page } from 'playwright-core'
import { keepPeerConnections } from '../e2e/audio.ts'
import { benchStack } from './stack.ts'

const MEASURE_MS = Number(process.env.MEASURE_MS ?? 10_000)
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 8000)
const { inLobby, close } = await benchStack(8792)
const room = `viewing-${Date.now().toString(36)}`

/** Someone in the meeting; `viewing` is the way of viewing their browser remembers. */
async function person(
  name: string,
  opts: { camera: boolean; viewport: { width: number; height: number }; viewing?: string },
) {
  const page = await inLobby(name, room, { viewport: opts.viewport }, async (context) => {
    await context.addInitScript(keepPeerConnections)
    if (opts.viewing) await context.addInitScript((v) => localStorage.setItem('tangerine:viewing', v), opts.viewing)
  })
  if (!opts.camera) await page.getByRole('button', { name: 'Camera on' }).click()
  await page.getByRole('button', { name: 'Join', exact: true }).click()
  return page
}

/** Bytes so far, summed over the page's connected peer connections, by `type`/`kind` (and rid). */
function bytes(page: Page, type: 'inbound-rtp' | 'outbound-rtp') {
  return page.evaluate(async (type) => {
    const out: Record<string, { bytes: number; frameWidth?: number }> = {}
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState !== 'connected') continue
      for (const s of (await pc.getStats()).values() as Iterable<Record<string, unknown>>) {
        if (s.type !== type) continue
        const key = `${String(s.kind)}${typeof s.rid === 'string' ? `/${s.rid}` : ''}`
        const entry = (out[key] ??= { bytes: 0 })
        entry.bytes += Number(s.bytesReceived ?? s.bytesSent ?? 0)
        if (typeof s.frameWidth === 'number') entry.frameWidth = Math.max(entry.frameWidth ?? 0, s.frameWidth)
      }
    }
    return out
  }, type)
}

/** kbit/s by key over MEASURE_MS, with the widest frame seen. */
async function rates(page: Page, type: 'inbound-rtp' | 'outbound-rtp') {
  const before = await bytes(page, type)
  await page.waitForTimeout(MEASURE_MS)
  const after = await bytes(page, type)
  return Object.fromEntries(
    Object.entries(after).map(([key, s]) => [
      key,
      `${(((s.bytes - (before[key]?.bytes ?? 0)) * 8) / MEASURE_MS).toFixed(0)} kbit/s${s.frameWidth ? ` (${s.frameWidth} wide)` : ''}`,
    ]),
  )
}

try {
  // Ada: camera on (three layers), mic on (the fake mic beeps: she is the speaker).
  const ada = await person('Ada', { camera: true, viewport: { width: 1280, height: 720 } })
  const conditions: Array<[string, { width: number; height: number }, string | undefined]> = [
    ['large tile (1440×900 window, two people)', { width: 1440, height: 900 }, undefined],
    ['small tile (480×360 window)', { width: 480, height: 360 }, undefined],
    ['data saver (1440×900)', { width: 1440, height: 900 }, 'dataSaver'],
    ['audio only (1440×900)', { width: 1440, height: 900 }, 'audioOnly'],
  ]
  for (const [label, viewport, viewing] of conditions) {
    const viewer = await person('Viewer', { camera: false, viewport, viewing })
    await viewer.waitForTimeout(SETTLE_MS)
    console.log(`${label}: receives`, JSON.stringify(await rates(viewer, 'inbound-rtp')))
    await viewer.context().close()
  }
  console.log('Ada sends, by layer', JSON.stringify(await rates(ada, 'outbound-rtp')))
} finally {
  await close()
}
