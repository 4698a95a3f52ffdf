import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { artifacts, people, stackUrl } from './people.ts'
import { more } from './controls.ts'
import { headerLayout } from './header.ts'
import { tileOf } from './tiles.ts'

/* What the meeting tells a person besides the tiles: who came and went, and its link to share. */

const { join: joinAs, newPage } = people({ perTest: true })
const roomName = (what: string) => `e2e-ui-${what}-${Date.now().toString(36)}`
// A phone as Chromium's device emulation has it (iPhone 12-14 size): touch, mobile viewport.
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true }

type Box = { name: string; left: number; top: number; right: number; bottom: number }

/** The toasts showing and the tiles on the stage, as boxes on the screen. */
const toastsAndTiles = (page: Page) =>
  page.evaluate(() => {
    const box = (e: Element, name: string): Box => {
      const r = e.getBoundingClientRect()
      return { name, left: r.left, top: r.top, right: r.right, bottom: r.bottom }
    }
    const toasts = [...document.querySelectorAll('.toasts li')].map((e) => box(e, e.textContent ?? ''))
    const tiles = [...document.querySelectorAll('[data-testid="stage"] [data-testid="tile"]')]
      .filter((e) => e.getClientRects().length > 0)
      .map((e) => box(e, e.getAttribute('data-name') ?? ''))
    return { toasts, tiles }
  })

const overlap = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom

describe('the meeting page', () => {
  it('says who joined and who left', async () => {
    const room = roomName('toasts')
    const ada = await joinAs('Ada', room)
    const bob = await joinAs('Bob', room)
    await ada
      .getByRole('listitem')
      .filter({ hasText: /^Bob joined$/ })
      .waitFor()
    await ada.screenshot({ path: join(artifacts, 'toast-joined.png') })
    await bob.getByRole('button', { name: 'Leave' }).click()
    await ada
      .getByRole('listitem')
      .filter({ hasText: /^Bob left$/ })
      .waitFor()
  })

  it('copies the room’s link, which brings someone else to the same meeting', async () => {
    const room = roomName('link')
    const ada = await joinAs('Ada', room, { permissions: ['clipboard-read', 'clipboard-write'] })
    const menu = await more(ada)
    await menu.getByRole('button', { name: 'Copy link' }).click()
    await menu.getByRole('button', { name: 'Link copied' }).waitFor()
    const link = await ada.evaluate(() => navigator.clipboard.readText())
    expect(link).toBe(`${stackUrl}/r/${room}`)

    const bob = await newPage('Bob')
    await bob.goto(link)
    await bob.getByLabel('Your name').fill('Bob')
    await bob.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => bob.getByTestId('already-here').textContent()).toBe('In the meeting: Ada')
  })

  it('on a 390×844 phone: the safety number stays in one header row, and a toast covers no one', async () => {
    const room = roomName('phone')
    const ada = await joinAs('Ada', room, { device: phone })
    const bob = await joinAs('Bob', room)
    await joinAs('Cy', room)
    for (const name of ['Bob', 'Cy']) await tileOf(ada, name).waitFor()
    await ada.getByTestId('safety-number').waitFor()
    // Everything the header shows sits in one row: one line box each, tops within a few pixels.
    const header = await headerLayout(ada)
    expect(header.number, 'the safety number wraps').toBe(1)
    expect(header.rows, `header rows at ${header.tops}`).toBeLessThan(8)
    expect(header.right).toBeLessThanOrEqual(390)
    await ada.screenshot({ path: join(artifacts, 'header-390.png') })

    // A toast while three people fill the phone's stage: once the stage has made room for it
    // (a moment's re-layout), it lies over none of their tiles. What it covered while it showed
    // is kept, so a toast that left before the stage made room fails rather than passes.
    await bob.getByRole('button', { name: 'Raise hand' }).click()
    await ada.locator('.toasts li', { hasText: 'Bob raised their hand' }).waitFor()
    let covered: string[] | undefined
    for (const until = Date.now() + 3000; Date.now() < until && covered?.length !== 0;) {
      const { toasts, tiles } = await toastsAndTiles(ada)
      const shown = toasts.filter((t) => t.name === 'Bob raised their hand')
      if (shown.length > 0) covered = tiles.filter((tile) => shown.some((t) => overlap(t, tile))).map((t) => t.name)
      await ada.waitForTimeout(100)
    }
    expect(covered, 'tiles under the toast').toEqual([])
    await ada.screenshot({ path: join(artifacts, 'toast-390.png') })
  })
})
