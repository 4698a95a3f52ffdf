import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { more } from './controls.ts'
import { artifacts, people } from './people.ts'
import { framesIn, tileOf } from './tiles.ts'

/*
 * The meeting's controls as a person sees and uses them: one row of icon buttons inside the
 * window and clear of the stage, big enough for a thumb on a phone; panels that open and close;
 * the unread count on Chat; each keyboard shortcut doing what its button does, seen on the
 * other side.
 */

const { join: joinAs } = people({ perTest: true })
const roomName = (what: string) => `e2e-controls-${what}-${Date.now().toString(36)}`
const desktop = { viewport: { width: 1440, height: 900 } }
// A phone as Chromium's device emulation has it (iPhone 12-14 size): touch, mobile viewport.
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true }

interface Box {
  name: string
  top: number
  bottom: number
  left: number
  right: number
  width: number
  height: number
}

/** Where the control bar's visible buttons, the bar itself and the stage are on the screen. */
const layout = (page: Page) =>
  page.evaluate(() => {
    const box = (e: Element, name = ''): Box => {
      const r = e.getBoundingClientRect()
      return { name, top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height }
    }
    const nav = document.querySelector('nav[aria-label="Meeting controls"]')!
    const buttons = [...nav.querySelectorAll('button')]
      .filter((b) => b.checkVisibility())
      .map((b) => box(b, b.getAttribute('aria-label') ?? b.textContent ?? ''))
    return {
      window: { width: innerWidth, height: innerHeight },
      nav: box(nav),
      stage: box(document.querySelector('.stage')!),
      buttons,
    }
  })

async function expectOneRowInside(page: Page) {
  const { window, nav, stage, buttons } = await layout(page)
  expect(buttons.length).toBeGreaterThanOrEqual(6)
  const tops = new Set(buttons.map((b) => Math.round(b.top)))
  expect([...tops], `buttons on more than one row: ${JSON.stringify(buttons)}`).toHaveLength(1)
  for (const b of buttons) {
    expect(b.left, `${b.name} off the left edge`).toBeGreaterThanOrEqual(0)
    expect(b.right, `${b.name} off the right edge`).toBeLessThanOrEqual(window.width)
    expect(b.bottom, `${b.name} below the window`).toBeLessThanOrEqual(window.height)
  }
  expect(nav.bottom).toBeLessThanOrEqual(window.height)
  expect(stage.bottom, 'the stage runs under the control bar').toBeLessThanOrEqual(nav.top + 0.5)
  expect(stage.height).toBeGreaterThan(window.height / 2)
  return buttons
}

const unreadOnChat = (page: Page) =>
  page.getByRole('button', { name: 'Chat', exact: true }).evaluate((b) => {
    const id = b.getAttribute('aria-describedby')
    return id ? (document.getElementById(id)?.textContent ?? '') : ''
  })

describe('the meeting’s controls', () => {
  it('are one row inside a 1440×900 window, open and close each panel, and count unread chat', async () => {
    const room = roomName('desktop')
    const ada = await joinAs('Ada', room, { device: desktop })
    const bob = await joinAs('Bob', room, { device: desktop })
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 20_000 }).toBeGreaterThan(0)
    // No empty chat column: the stage has the width until a panel is asked for.
    expect(await ada.locator('#panel-chat').isVisible()).toBe(false)
    await expectOneRowInside(ada)
    await ada.screenshot({ path: join(artifacts, 'controls-1440.png') })

    await bob.getByRole('button', { name: 'Chat', exact: true }).click()
    await bob.getByLabel('Message').fill('hello from Bob')
    await bob.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => unreadOnChat(ada)).toBe('1 unread')
    await ada.screenshot({ path: join(artifacts, 'controls-unread.png') })
    await ada.getByRole('button', { name: 'Chat', exact: true }).click()
    await expect.poll(() => ada.getByTestId('chat-messages').textContent()).toContain('hello from Bob')
    expect(await unreadOnChat(ada)).toBe('')
    await ada.screenshot({ path: join(artifacts, 'panel-chat.png') })
    await ada.getByRole('button', { name: 'Hide chat' }).click()
    expect(await ada.locator('#panel-chat').isVisible()).toBe(false)

    await ada.getByRole('button', { name: 'People', exact: true }).click()
    await ada.getByRole('heading', { name: 'People (2)' }).waitFor()
    await ada.getByRole('button', { name: 'Mute Bob' }).waitFor()
    await expectOneRowInside(ada)
    await ada.screenshot({ path: join(artifacts, 'panel-people.png') })
    await ada.getByRole('button', { name: 'People', exact: true }).click()
    await expect.poll(() => ada.locator('#panel-people').count()).toBe(0)

    await ada.getByRole('button', { name: 'Settings', exact: true }).click()
    const settings = ada.locator('#panel-settings')
    await settings.getByLabel('Microphone').waitFor()
    await settings.getByRole('button', { name: 'Blur background' }).waitFor()
    await settings.getByRole('button', { name: 'Audio only' }).waitFor()
    await ada.screenshot({ path: join(artifacts, 'panel-settings.png') })
    await ada.getByRole('button', { name: 'Hide settings' }).click()
    await expect.poll(() => settings.count()).toBe(0)

    const menu = await more(ada)
    await menu.getByRole('button', { name: 'Copy link' }).waitFor()
    await menu.getByRole('button', { name: 'Lock meeting' }).waitFor()
    await ada.screenshot({ path: join(artifacts, 'controls-more.png') })
  })

  it('each shortcut does what its button does, as the others see it', async () => {
    const room = roomName('keys')
    const ada = await joinAs('Ada', room, { device: desktop })
    const bob = await joinAs('Bob', room, { device: desktop })
    const adaOnBob = tileOf(bob, 'Ada')
    await adaOnBob.waitFor()

    await ada.keyboard.press('Control+D')
    await expect.poll(() => adaOnBob.getAttribute('data-muted')).toBe('true')
    await ada.getByRole('button', { name: 'Unmute', exact: true }).waitFor()
    await ada.keyboard.press('Control+D')
    await expect.poll(() => adaOnBob.getAttribute('data-muted')).toBe('false')

    await ada.keyboard.press('Control+E')
    await expect.poll(() => adaOnBob.getAttribute('data-video')).toBe('false')
    await ada.keyboard.press('Control+E')
    await expect.poll(() => adaOnBob.getAttribute('data-video')).toBe('true')

    await ada.keyboard.press('Control+Alt+H')
    await expect.poll(() => adaOnBob.getAttribute('data-hand')).toBe('true')

    // The chat opens with the cursor in it; typing a ? there is a character, not a request for help.
    await ada.keyboard.press('Control+Alt+C')
    await expect.poll(() => ada.evaluate(() => document.activeElement?.id)).toBe('chat-input')
    await ada.keyboard.type('why?')
    expect(await ada.getByTestId('shortcuts-dialog').count()).toBe(0)
    await ada.keyboard.press('Control+Alt+C')
    expect(await ada.locator('#panel-chat').isVisible()).toBe(false)

    await ada.keyboard.press('Control+Alt+P')
    await ada.getByRole('heading', { name: 'People (2)' }).waitFor()

    await ada.locator('body').focus()
    await ada.keyboard.press('?')
    const help = ada.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await help.waitFor()
    expect(await help.textContent()).toContain('Ctrl+Alt+H')
    await ada.screenshot({ path: join(artifacts, 'shortcuts-help.png') })
    await ada.keyboard.press('Escape')
    await expect.poll(() => help.count()).toBe(0)

    await ada.keyboard.press('Control+Alt+Q')
    await ada.getByTestId('left').waitFor()
    await expect.poll(() => adaOnBob.count()).toBe(0)
  })

  it('fit a 390×844 phone in one row of thumb-sized buttons, with the rest in More and panels as bottom sheets', async () => {
    const ada = await joinAs('Ada', roomName('phone'), { device: phone })
    const buttons = await expectOneRowInside(ada)
    expect(buttons.length).toBeLessThanOrEqual(6)
    for (const b of buttons) {
      expect(b.width, `${b.name} narrower than 44 px`).toBeGreaterThanOrEqual(44)
      expect(b.height, `${b.name} lower than 44 px`).toBeGreaterThanOrEqual(44)
    }
    await ada.screenshot({ path: join(artifacts, 'controls-390.png') })

    const menu = await more(ada)
    await menu.getByRole('button', { name: 'Raise hand' }).click()
    await ada.getByRole('button', { name: 'Lower hand' }).waitFor()
    await ada.screenshot({ path: join(artifacts, 'controls-390-more.png') })
    await menu.getByRole('button', { name: 'Settings' }).click()
    await ada.locator('#panel-settings').getByLabel('Camera').waitFor()

    await ada.getByRole('button', { name: 'Chat', exact: true }).tap()
    const sheet = await ada.locator('#panel-chat').boundingBox()
    const nav = await ada.getByRole('navigation', { name: 'Meeting controls' }).boundingBox()
    expect(sheet!.x).toBe(0)
    expect(sheet!.width).toBe(390)
    expect(sheet!.y + sheet!.height).toBeLessThanOrEqual(nav!.y + 0.5)
    await ada.screenshot({ path: join(artifacts, 'panel-chat-390.png') })
  })
})
