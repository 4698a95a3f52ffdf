import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { HEARD, keepPeerConnections, levelOf, micsSent, SILENT } from './audio.ts'
import { artifacts, people } from './people.ts'
import { tileOf } from './tiles.ts'

/*
 * Sound between two browsers, measured as an ear would get it: each page meters the other's mic
 * through WebAudio (Chromium's fake mic plays a tone), and the sender's own mic track is read
 * from its peer connection.
 */

const { join: joinAs } = people({ perTest: true })
const roomName = (what: string) => `e2e-audio-${what}-${Date.now().toString(36)}`

const ringed = (page: Page, name: string) => tileOf(page, name).evaluate((el) => el.classList.contains('speaking'))

/** The share of 12 looks, 250 ms apart, in which `name`'s tile was ringed. */
async function litFraction(page: Page, name: string): Promise<number> {
  let lit = 0
  for (let i = 0; i < 12; i++) {
    if (await ringed(page, name)) lit++
    await page.waitForTimeout(250)
  }
  return lit / 12
}

describe('sound between two browsers', () => {
  it('carries each mic to the other; Mute silences it at the sender and for the other, Unmute brings it back', async () => {
    const room = roomName('mute')
    const ada = await joinAs('Ada', room, { initScript: keepPeerConnections })
    const bob = await joinAs('Bob', room)
    await expect.poll(() => levelOf(bob, 'Ada'), { timeout: 30_000 }).toBeGreaterThan(HEARD)
    await expect.poll(() => levelOf(ada, 'Bob'), { timeout: 30_000 }).toBeGreaterThan(HEARD)
    expect(await micsSent(ada)).toEqual([{ live: true, enabled: true }])

    await ada.getByRole('button', { name: 'Mute', exact: true }).click()
    // The mic track itself is off (it sends silence), not only the room told so.
    await expect.poll(() => micsSent(ada)).toEqual([{ live: true, enabled: false }])
    // Each reading takes 1.5 s or more of a busy page's timers: 30 s gives a loaded machine several.
    // The levels read are kept, so a failure says whether the sound fell at all.
    const levels: number[] = []
    await expect
      .poll(async () => levels[levels.push(await levelOf(bob, 'Ada')) - 1], { timeout: 30_000 })
      .toBeLessThan(SILENT)
      .catch((err: unknown) => {
        throw new Error(`Ada still heard after Mute; levels read: ${levels.join(', ')}`, { cause: err })
      })
    // Bob's own mic is untouched.
    await expect.poll(() => levelOf(ada, 'Bob'), { timeout: 30_000 }).toBeGreaterThan(HEARD)

    await ada.getByRole('button', { name: 'Unmute', exact: true }).click()
    await expect.poll(() => micsSent(ada)).toEqual([{ live: true, enabled: true }])
    await expect.poll(() => levelOf(bob, 'Ada'), { timeout: 30_000 }).toBeGreaterThan(HEARD)
  })

  it('rings the tile of whoever speaks, on every page, and stops when they mute', async () => {
    const room = roomName('ring')
    const ada = await joinAs('Ada', room)
    // Bob's mic is off from the lobby on: only Ada's fake mic plays into the meeting.
    const bob = await joinAs('Bob', room, {
      inLobby: (page) => page.getByRole('button', { name: 'Mic on' }).click(),
    })
    for (const page of [ada, bob]) await expect.poll(() => ringed(page, 'Ada'), { timeout: 15_000 }).toBe(true)
    // It stays lit while she keeps talking (her fake mic beeps 20 ms every 500 ms), rather than
    // flickering with whichever beeps the meter happened to catch.
    expect(await litFraction(bob, 'Ada')).toBeGreaterThanOrEqual(0.8)
    expect(await ringed(ada, 'Bob')).toBe(false)
    expect(await ringed(bob, 'Bob')).toBe(false)
    await bob.screenshot({ path: join(artifacts, 'speaking-ring.png') })

    await ada.getByRole('button', { name: 'Mute', exact: true }).click()
    for (const page of [ada, bob]) await expect.poll(() => ringed(page, 'Ada')).toBe(false)
    // And not again while muted, though her fake mic keeps playing into the (disabled) track.
    await expect.poll(() => tileOf(bob, 'Ada').getAttribute('data-muted')).toBe('true')
    // Looked at for three seconds (six of her beeps), not once.
    expect(await litFraction(bob, 'Ada')).toBe(0)
  })
})
