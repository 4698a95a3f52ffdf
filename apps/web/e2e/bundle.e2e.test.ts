import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { keepPeerConnections } from './audio.ts'
import { people } from './people.ts'
import { framesIn, tileOf } from './tiles.ts'

/*
 * A Calls session bundles every track on one transport, tagged by its first m-section. Closing
 * that m-section makes Chromium build a new transport the SFU never connects, and every other
 * track of the session stops. The first thing a page that joins with camera and mic off
 * negotiates is a pull of whoever was in the meeting first: that person muting or leaving must
 * not cut the page off from everyone else.
 */

const { join: joinAs } = people({ perTest: true })
let rooms = 0
const roomName = () => `bundle-${Date.now().toString(36)}-${++rooms}`

/** The page's peer connections (keepPeerConnections): how many were made, and their states now. */
const connections = (page: Page) =>
  page.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map((pc) => pc.connectionState))

/** Bob's video moving on the page's first and only connection: never cut off (and put back by a reconnect). */
async function stillSeesBob(page: Page) {
  await expect.poll(() => framesIn(page, 'Bob'), { timeout: 5000 }).toBeGreaterThan(3)
  expect(await connections(page)).toEqual(['connected'])
}

describe('the first track a session pulled', () => {
  it('can be let go of (its owner mutes, then leaves) while the rest of the session goes on', async () => {
    const room = roomName()
    const ada = await joinAs('Ada', room)
    await joinAs('Bob', room)
    const cy = await joinAs('Cy', room, {
      initScript: keepPeerConnections,
      inLobby: async (page) => {
        await page.getByRole('button', { name: 'Mic on' }).click()
        await page.getByRole('button', { name: 'Camera on' }).click()
      },
    })
    await expect.poll(() => framesIn(cy, 'Ada'), { timeout: 30_000 }).toBeGreaterThan(3)
    await expect.poll(() => framesIn(cy, 'Bob'), { timeout: 30_000 }).toBeGreaterThan(3)

    // Ada's mic goes off: Cy's page no longer needs it.
    await ada.getByRole('button', { name: 'Mute' }).click()
    await expect.poll(() => tileOf(cy, 'Ada').getAttribute('data-muted')).toBe('true')
    await new Promise((resolve) => setTimeout(resolve, 3000))
    await stillSeesBob(cy)

    // Ada leaves: nothing of hers is needed any more.
    await ada.getByRole('button', { name: 'Leave' }).click()
    await expect.poll(() => tileOf(cy, 'Ada').count()).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 3000))
    await stillSeesBob(cy)
  }, 120_000)
})
