import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { HEARD, keepPeerConnections, levelOf, SILENT, tracksSent } from './audio.ts'
import { artifacts, people, stackUrl } from './people.ts'
import { framesIn, previewFrames, tileOf } from './tiles.ts'

/*
 * The lobby: what is chosen there (mic and camera off, another mic) is what the meeting gets,
 * and it shows who is already in.
 */

const { join: joinAs, newPage } = people({ perTest: true })
const roomName = (what: string) => `e2e-lobby-${what}-${Date.now().toString(36)}`

/** Test instrumentation, run before the app: keeps every track getUserMedia gives the page. */
function keepUserMedia() {
  const w = window as unknown as { __tracks: MediaStreamTrack[] }
  w.__tracks = []
  const devices = navigator.mediaDevices
  const native = devices.getUserMedia.bind(devices)
  devices.getUserMedia = async (constraints) => {
    const stream = await native(constraints)
    w.__tracks.push(...stream.getTracks())
    return stream
  }
}
/** The page's live mic tracks, by device label. */
const liveMics = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __tracks: MediaStreamTrack[] }).__tracks
      .filter((t) => t.kind === 'audio' && t.readyState === 'live')
      .map((t) => t.label),
  )

/** A page in the lobby of `room`, named. */
async function inLobby(name: string, room: string, initScript?: () => void) {
  const page = await newPage(name, initScript)
  await page.goto(`${stackUrl}/r/${room}`)
  await page.getByLabel('Your name').fill(name)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByRole('button', { name: 'Join', exact: true }).waitFor()
  return page
}

const options = (page: Page, label: string) => page.getByLabel(label).locator('option').allTextContents()

describe('the lobby', () => {
  it('carries a mic and camera turned off there into the meeting, and both come on from it', async () => {
    const room = roomName('toggles')
    const ada = await joinAs('Ada', room)
    const bob = await joinAs('Bob', room, {
      initScript: keepPeerConnections,
      inLobby: async (page) => {
        await page.getByRole('button', { name: 'Mic on' }).click()
        await page.getByRole('button', { name: 'Camera on' }).click()
        await page.getByTestId('preview').getByText('Camera is off').waitFor()
        expect(await previewFrames(page)).toBe(0)
        await page.screenshot({ path: join(artifacts, 'lobby-mic-camera-off.png') })
      },
    })
    await expect.poll(() => bob.getByRole('button', { name: 'Unmute', exact: true }).count()).toBe(1)
    await expect.poll(() => bob.getByRole('button', { name: 'Start video' }).count()).toBe(1)
    // Published all the same, but off: the tracks themselves, and the room's word for the others.
    await expect
      .poll(() => tracksSent(bob, 'audio'), { timeout: 15_000 })
      .toMatchObject([{ live: true, enabled: false }])
    await expect
      .poll(() => tracksSent(bob, 'video'), { timeout: 15_000 })
      .toMatchObject([{ live: true, enabled: false }])
    await expect.poll(() => tileOf(ada, 'Bob').getAttribute('data-muted')).toBe('true')
    await expect.poll(() => tileOf(ada, 'Bob').getAttribute('data-video')).toBe('false')
    expect(await levelOf(ada, 'Bob')).toBeLessThan(SILENT)
    expect(await framesIn(ada, 'Bob')).toBe(0)

    await bob.getByRole('button', { name: 'Unmute', exact: true }).click()
    await bob.getByRole('button', { name: 'Start video' }).click()
    await expect.poll(() => levelOf(ada, 'Bob'), { timeout: 30_000 }).toBeGreaterThan(HEARD)
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 30_000 }).toBeGreaterThan(3)
  })

  it('lists the fake devices, and a mic chosen there replaces the track and is the one the meeting gets', async () => {
    const room = roomName('devices')
    const ada = await inLobby('Ada', room, keepUserMedia)
    await expect.poll(() => options(ada, 'Camera')).toEqual(['fake_device_0'])
    await expect
      .poll(() => options(ada, 'Microphone'))
      .toEqual(['Fake Default Audio Input', 'Fake Audio Input 1', 'Fake Audio Input 2'])
    await expect.poll(() => liveMics(ada)).toEqual(['Fake Default Audio Input'])

    await ada.getByLabel('Microphone').selectOption({ label: 'Fake Audio Input 2' })
    // The old track is stopped, not left running beside the new one.
    await expect.poll(() => liveMics(ada)).toEqual(['Fake Audio Input 2'])
    await ada.screenshot({ path: join(artifacts, 'lobby-devices.png') })
    await ada.close()

    // Into the meeting: what others hear is the chosen mic.
    const bob = await joinAs('Bob', room, {
      initScript: keepPeerConnections,
      inLobby: (page) =>
        page
          .getByLabel('Microphone')
          .selectOption({ label: 'Fake Audio Input 1' })
          .then(() => {}),
    })
    const cy = await joinAs('Cy', room)
    await expect
      .poll(() => tracksSent(bob, 'audio'), { timeout: 15_000 })
      .toEqual([{ label: 'Fake Audio Input 1', live: true, enabled: true }])
    await expect.poll(() => levelOf(cy, 'Bob'), { timeout: 30_000 }).toBeGreaterThan(HEARD)
  })

  it('shows who is in the meeting, as people join and leave', async () => {
    const room = roomName('here')
    const cy = await inLobby('Cy', room)
    const here = cy.getByTestId('already-here')
    await expect.poll(() => here.textContent()).toBe('Nobody is here yet.')
    const ada = await joinAs('Ada', room)
    await expect.poll(() => here.textContent()).toBe('In the meeting: Ada')
    await joinAs('Bob', room)
    await expect.poll(() => here.textContent()).toBe('In the meeting: Ada, Bob')
    await cy.screenshot({ path: join(artifacts, 'lobby-who-is-in.png') })
    await ada.getByRole('button', { name: 'Leave' }).click()
    await expect.poll(() => here.textContent()).toBe('In the meeting: Bob')
  })
})
