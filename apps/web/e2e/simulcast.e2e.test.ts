import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { artifacts, people } from './people.ts'
import { keepPeerConnections, kindsByMid, outboundByRid, tileInbound } from './rtp-stats.ts'
import { tracksAtSfu } from './sfu.ts'
import { tileOf } from './tiles.ts'
import { settings } from './controls.ts'
import { cameraLayers, layerFor } from '../src/lib/media/layers.ts'

/*
 * Simulcast end to end: a camera publishes three layers (1280×720, 640×360, 320×180), each viewer's
 * tile asks the SFU for the one that fits it, and data saver and audio-only take less, as the SFU's
 * own record of each session's pulls shows.
 */

const { join: joinAs } = people({ perTest: true })
let rooms = 0
const roomName = () => `simulcast-${Date.now().toString(36)}-${++rooms}`

interface Person {
  page: Page
  /** The page's Calls session, from the last Calls request it made (partytracks replaces a failed one). */
  session: () => string | undefined
}

async function person(
  name: string,
  room: string,
  options: {
    camera?: boolean
    mic?: boolean
    viewport?: { width: number; height: number }
    inLobby?: (page: Page) => Promise<void>
  } = {},
): Promise<Person> {
  let session: string | undefined
  const page = await joinAs(name, room, {
    initScript: keepPeerConnections,
    onPage: async (page) => {
      if (options.viewport) await page.setViewportSize(options.viewport)
      page.on('request', (req) => {
        const id = /\/api\/partytracks\/sessions\/([0-9a-f]{32})\//.exec(req.url())?.[1]
        if (id && id !== session) console.log(`${name}'s Calls session: ${id}`)
        session = id ?? session
      })
    },
    inLobby: async (page) => {
      // Only the cameras a test watches are on: three 720p encoders would starve two cores.
      if (options.camera === false) await page.getByRole('button', { name: 'Camera on' }).click()
      if (options.mic === false) await page.getByRole('button', { name: 'Mic on' }).click()
      await options.inLobby?.(page)
    },
  })
  return { page, session: () => session }
}

/** How many tracks of each kind the page's session pulls, as the SFU has them (active pulls only). */
async function pulledAtSfu(viewer: Person) {
  const session = viewer.session()
  if (!session) return undefined
  const kinds = await kindsByMid(viewer.page)
  const pulled = (await tracksAtSfu(session)).filter((t) => t.location === 'remote' && t.status === 'active')
  return {
    video: pulled.filter((t) => kinds[t.mid ?? ''] === 'video').length,
    audio: pulled.filter((t) => kinds[t.mid ?? ''] === 'audio').length,
  }
}

const tileSize = (page: Page, name: string) =>
  tileOf(page, name).evaluate((tile) => `${tile.clientWidth}×${tile.clientHeight} CSS px`)
/** The layer a tile of this size fits, as the page works it out (the stage sizes tiles to the window). */
const fittingLayer = (page: Page, name: string) =>
  tileOf(page, name).evaluate((tile) => [tile.clientWidth, tile.clientHeight, devicePixelRatio] as const)
const widthIn = async (page: Page, name: string) => (await tileInbound(page, name))?.frameWidth ?? 0

/**
 * Why the page's camera sends less than its three layers, as Chromium says: its bandwidth
 * estimate of the link to the SFU (`availableOutgoingBitrate`) and each layer's quality
 * limitation (`bandwidth` or `cpu`, with seconds spent in each), to read a failure by.
 */
function sendLimits(page: Page) {
  return page.evaluate(async () => {
    const out: Record<string, unknown> = {}
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState !== 'connected') continue
      for (const s of (await pc.getStats()).values() as Iterable<Record<string, unknown>>) {
        if (s.type === 'candidate-pair' && s.nominated && s.availableOutgoingBitrate !== undefined) {
          out.availableOutgoingBitrate = s.availableOutgoingBitrate
        }
        if (s.type !== 'outbound-rtp' || s.kind !== 'video' || typeof s.rid !== 'string') continue
        out[s.rid] = { limitation: s.qualityLimitationReason, seconds: s.qualityLimitationDurations }
      }
    }
    return out
  })
}

/** Bytes each layer sent over `ms`. */
async function layerGrowth(page: Page, ms: number) {
  const before = await outboundByRid(page)
  await new Promise((resolve) => setTimeout(resolve, ms))
  const after = await outboundByRid(page)
  return Object.fromEntries(Object.entries(after).map(([rid, s]) => [rid, s.bytesSent - (before[rid]?.bytesSent ?? 0)]))
}

describe('simulcast', () => {
  it('gives each viewer the layer its tile fits, switches up on pinning, and keeps all three layers through renegotiations', async () => {
    const room = roomName()
    const ada = await person('Ada', room)
    // Bob pins Ada: a large tile. Cy leaves her in the grid of three (Cy, Ada, Bob) in a small
    // window: a small tile (the stage fills the window, so a large window makes large tiles).
    const bob = await person('Bob', room, { camera: false, mic: false })
    const cy = await person('Cy', room, { camera: false, mic: false, viewport: { width: 760, height: 420 } })
    await bob.page.getByRole('button', { name: 'Pin Ada' }).click()

    await expect.poll(() => widthIn(bob.page, 'Ada'), { timeout: 45_000 }).toBeGreaterThanOrEqual(960)
    await expect.poll(() => widthIn(cy.page, 'Ada'), { timeout: 45_000 }).toBeGreaterThan(0)
    // Cy's tile is a third of her stage: the layer that fits it, smaller than Bob's.
    const cyLayer = layerFor(...(await fittingLayer(cy.page, 'Ada')))
    expect(cyLayer).not.toBe('a')
    const cyWidth = cameraLayers.find((l) => l.rid === cyLayer)!.width
    await expect.poll(() => widthIn(cy.page, 'Ada'), { timeout: 30_000 }).toBeLessThanOrEqual(cyWidth)
    expect(await tileOf(bob.page, 'Ada').getAttribute('data-layer')).toBe('a')
    expect(await tileOf(cy.page, 'Ada').getAttribute('data-layer')).toBe(cyLayer)
    const sent = await outboundByRid(ada.page)
    console.log('Ada sends', JSON.stringify(sent))
    console.log('Bob (pinned) gets', await tileInbound(bob.page, 'Ada'), await tileSize(bob.page, 'Ada'))
    console.log('Cy (grid) gets', await tileInbound(cy.page, 'Ada'), await tileSize(cy.page, 'Ada'))
    await bob.page.screenshot({ path: join(artifacts, 'simulcast-large-tile.png') })
    await cy.page.screenshot({ path: join(artifacts, 'simulcast-small-tile.png') })

    // Cy makes her window large: a larger tile, a larger layer, in the same pull.
    await cy.page.setViewportSize({ width: 1600, height: 900 })
    await expect.poll(() => widthIn(cy.page, 'Ada'), { timeout: 30_000 }).toBeGreaterThanOrEqual(960)
    console.log('Cy in a large window gets', await tileInbound(cy.page, 'Ada'), await tileSize(cy.page, 'Ada'))

    // More people: each join makes the SFU offer to Ada's session again (she pulls them).
    await person('Dee', room, { camera: false })
    await person('Eve', room, { camera: false })
    await expect.poll(() => ada.page.locator('[data-testid="tile"]').count()).toBe(5)
    // The SFU's last offer to her still takes the three layers…
    const simulcastLine = await ada.page.evaluate(() =>
      (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs
        .map((pc) => /^a=simulcast:.*$/m.exec(pc.currentRemoteDescription?.sdp ?? '')?.[0])
        .find((line) => line),
    )
    expect(simulcastLine?.trim()).toBe('a=simulcast:recv a;b;c')
    // …and all three are sent. Joins load this machine (and the SFU's event loop) enough for
    // Chromium's bandwidth estimate to dip and pause the top layers a while: give it time to recover.
    let growth: Record<string, number> = {}
    try {
      await expect
        .poll(
          async () => {
            growth = await layerGrowth(ada.page, 2000)
            return ['a', 'b', 'c'].filter((rid) => (growth[rid] ?? 0) > 5_000)
          },
          { timeout: 60_000, interval: 1000 },
        )
        .toEqual(['a', 'b', 'c'])
    } finally {
      // Whether it is her bandwidth estimate or her encoder's CPU that holds the top layers back.
      console.log('Ada, bytes per layer over 2 s after two more joins', JSON.stringify(growth))
      console.log('Ada, what limits her sending', JSON.stringify(await sendLimits(ada.page)))
    }
  }, 240_000)

  it('with data saver pulls the speaker’s and the pinned camera only, at the lowest layer; with audio only no video', async () => {
    const room = roomName()
    // Ada's (fake, beeping) mic makes her the speaker; Bob's is off.
    await person('Ada', room)
    await person('Bob', room, { mic: false })
    const cy = await person('Cy', room, {
      camera: false,
      mic: false,
    })
    await (await settings(cy.page)).getByRole('button', { name: 'Data saver' }).click()
    // The speaker's camera and mic; not Bob's camera.
    await expect.poll(() => pulledAtSfu(cy), { timeout: 30_000 }).toEqual({ video: 1, audio: 1 })
    await expect.poll(() => widthIn(cy.page, 'Ada'), { timeout: 30_000 }).toBeGreaterThan(0)
    expect(await widthIn(cy.page, 'Ada')).toBeLessThanOrEqual(320)
    expect(await tileOf(cy.page, 'Bob').getAttribute('data-video')).toBe('false')

    // Pinned, Bob's camera comes too, also at the lowest layer.
    await cy.page.getByRole('button', { name: 'Pin Bob' }).click()
    await expect.poll(() => pulledAtSfu(cy), { timeout: 30_000 }).toEqual({ video: 2, audio: 1 })
    await expect.poll(() => widthIn(cy.page, 'Bob'), { timeout: 30_000 }).toBeGreaterThan(0)
    expect(await widthIn(cy.page, 'Bob')).toBeLessThanOrEqual(320)
    console.log(
      'Cy, data saver: speaker Ada',
      await tileInbound(cy.page, 'Ada'),
      'pinned Bob',
      await tileInbound(cy.page, 'Bob'),
    )
    await cy.page.screenshot({ path: join(artifacts, 'simulcast-data-saver.png') })

    // Audio only: no camera at all, the sound still comes, and the choice outlives the page.
    await (await settings(cy.page)).getByRole('button', { name: 'Audio only' }).click()
    await expect.poll(() => pulledAtSfu(cy), { timeout: 30_000 }).toEqual({ video: 0, audio: 1 })
    await expect.poll(() => cy.page.locator('[data-testid="tile"][data-video="true"]').count()).toBe(0)
    await cy.page.screenshot({ path: join(artifacts, 'simulcast-audio-only.png') })
    expect(await cy.page.evaluate(() => localStorage.getItem('tangerine:viewing'))).toBe('audioOnly')

    // Back on the page later: still audio only, from its first pull (a new Calls session).
    const before = cy.session()
    await cy.page.reload()
    await cy.page.getByRole('button', { name: 'Join', exact: true }).click()
    await expect.poll(() => cy.session(), { timeout: 30_000 }).not.toBe(before)
    await expect.poll(() => pulledAtSfu(cy), { timeout: 30_000 }).toEqual({ video: 0, audio: 1 })
    await expect.poll(() => cy.page.locator('[data-testid="tile"]').count()).toBe(3)
    // Nobody's video but her own camera's preview, back on after the reload.
    expect(await cy.page.locator('[data-testid="tile"][data-video="true"]:not([data-name="Cy"])').count()).toBe(0)
  }, 180_000)

  it('pulls no camera scrolled off the filmstrip, and pulls it again when it comes back', async () => {
    const room = roomName()
    // Ada's voice is what Bob's session pulls first, and keeps (the BUNDLE tag, see Calls).
    await person('Ada', room, { camera: false })
    for (const name of ['Cy', 'Dee', 'Fay']) await person(name, room, { camera: false, mic: false })
    await person('Eve', room, { mic: false })
    // Bob pins Ada in a narrow window: the others go in the filmstrip below her, Eve last, past its right edge.
    const bob = await person('Bob', room, { camera: false, mic: false, viewport: { width: 520, height: 640 } })
    await bob.page.getByRole('button', { name: 'Pin Ada' }).click()
    const eve = tileOf(bob.page, 'Eve')
    const strip = bob.page.getByTestId('filmstrip')
    const pastEdge = () =>
      eve.evaluate((tile) => {
        const strip = tile.closest('[data-testid="filmstrip"]')!.getBoundingClientRect()
        return tile.getBoundingClientRect().left >= strip.right
      })
    await expect.poll(pastEdge).toBe(true)
    // Off screen: her camera is not pulled at all.
    await expect.poll(() => pulledAtSfu(bob), { timeout: 30_000 }).toEqual({ video: 0, audio: 1 })
    expect(await eve.getAttribute('data-video')).toBe('false')

    await eve.scrollIntoViewIfNeeded()
    await expect.poll(() => pulledAtSfu(bob), { timeout: 30_000 }).toEqual({ video: 1, audio: 1 })
    await expect.poll(() => widthIn(bob.page, 'Eve'), { timeout: 30_000 }).toBeGreaterThan(0)
    await bob.page.screenshot({ path: join(artifacts, 'simulcast-scrolled-to.png') })

    await strip.evaluate((strip) => strip.scrollTo(0, 0))
    await expect.poll(pastEdge).toBe(true)
    await expect.poll(() => pulledAtSfu(bob), { timeout: 30_000 }).toEqual({ video: 0, audio: 1 })
  }, 120_000)
})
