import { join } from 'node:path'
import type { BrowserContextOptions, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { artifacts, people } from './people.ts'
import { stageView } from './stage.ts'
import { framesIn, tileOf } from './tiles.ts'

/*
 * Spotlight for everyone, at 1440×900: the host puts one person on every page's stage (others in
 * the filmstrip), a local pin still wins on the page that pinned, a reload keeps it (it is the
 * room's state), and it ends when the host ends it or the person leaves.
 */

const { join: joinAs } = people({ perTest: true })
const desktop: BrowserContextOptions = { viewport: { width: 1440, height: 900 } }

let rooms = 0
/** Ada joins first (and hosts), then Bob and Cy; everyone sees everyone. */
async function threePeople() {
  const room = `spotlight-${Date.now().toString(36)}-${++rooms}`
  const ada = await joinAs('Ada', room, { device: desktop })
  const bob = await joinAs('Bob', room, { device: desktop })
  const cy = await joinAs('Cy', room, { device: desktop })
  for (const [page, names] of [
    [ada, ['Bob', 'Cy']],
    [bob, ['Ada', 'Cy']],
    [cy, ['Ada', 'Bob']],
  ] as const) {
    for (const name of names) await tileOf(page, name).waitFor()
  }
  return { ada, bob, cy }
}

/** `name` has the stage of `page`: the large tile, playing, over 40 % of it; everyone else in the filmstrip. */
async function onStage(page: Page, name: string, others: string[]) {
  const tile = tileOf(page, name)
  await expect.poll(() => tile.getAttribute('class')).toContain('large')
  await expect.poll(async () => (await stageView(page)).layout).toBe('focus')
  await expect.poll(() => framesIn(page, name)).toBeGreaterThan(0)
  const view = await stageView(page)
  const box = (await tile.boundingBox())!
  expect(box.width * box.height).toBeGreaterThan(0.4 * view.stage.width * view.stage.height)
  for (const other of others) {
    await expect.poll(() => page.getByTestId('filmstrip').locator(`[data-name="${other}"]`).count()).toBe(1)
  }
}

/** Back to the grid on `page`: nobody large, no spotlight badge. */
async function grid(page: Page) {
  await expect.poll(async () => (await stageView(page)).layout).toBe('grid')
  expect(await page.getByTestId('spotlight-badge').count()).toBe(0)
}

async function hostAction(page: Page, name: string, action: string) {
  await tileOf(page, name).getByLabel(`Actions for ${name}`, { exact: true }).click()
  await page.getByRole('button', { name: action }).click()
}

/**
 * What a screen reader is told from now on: each line added to the page's polite live regions
 * (the notices, the chat), recorded as it comes, so a notice that left after its few seconds still counts.
 */
async function listen(page: Page) {
  await page.evaluate(() => {
    const heard: string[] = ((window as unknown as { heard: string[] }).heard = [])
    const record = new MutationObserver((changes) => {
      for (const change of changes) for (const node of change.addedNodes) heard.push(node.textContent ?? '')
    })
    for (const region of document.querySelectorAll('[aria-live="polite"]')) {
      record.observe(region, { childList: true, subtree: true })
    }
  })
}
const heard = (page: Page) => page.evaluate(() => (window as unknown as { heard: string[] }).heard)

describe('spotlight for everyone', () => {
  it('puts the spotlighted person on every stage; a local pin wins on its page; a reload keeps it', async () => {
    const { ada, bob, cy } = await threePeople()
    for (const page of [bob, cy]) await listen(page)
    await hostAction(ada, 'Bob', 'Spotlight Bob for everyone')
    await onStage(ada, 'Bob', ['Ada', 'Cy'])
    await onStage(bob, 'Bob', ['Ada', 'Cy'])
    await onStage(cy, 'Bob', ['Ada', 'Cy'])
    for (const page of [ada, cy]) {
      await tileOf(page, 'Bob').getByTestId('spotlight-badge').getByText('Spotlighted by the host').waitFor()
    }
    await expect.poll(() => heard(cy)).toContain('Ada spotlighted Bob for everyone')
    await expect.poll(() => heard(bob)).toContain('Ada spotlighted you for everyone')
    await ada.screenshot({ path: join(artifacts, 'stage-1440-spotlight.png') })

    // Cy pins Ada on their own page: Ada takes Cy's stage, Bob goes to Cy's filmstrip; nobody else's changes.
    await cy.getByRole('button', { name: 'Pin Ada' }).click()
    await onStage(cy, 'Ada', ['Bob', 'Cy'])
    expect(await cy.getByTestId('spotlight-badge').count()).toBe(0)
    await onStage(ada, 'Bob', ['Ada', 'Cy'])
    await cy.getByRole('button', { name: 'Unpin Ada' }).click()
    await onStage(cy, 'Bob', ['Ada', 'Cy'])

    // It is the room's: a reloaded page comes back to it.
    await cy.reload()
    await cy.getByRole('button', { name: 'Join', exact: true }).click()
    await onStage(cy, 'Bob', ['Ada', 'Cy'])

    // The host ends it, from the large tile's menu: everyone is back in the grid.
    await hostAction(ada, 'Bob', 'End spotlight')
    for (const page of [ada, bob, cy]) await grid(page)
    await expect.poll(() => heard(bob)).toContain('Ada ended the spotlight')
  }, 180_000)

  it('ends when the spotlighted person leaves; a guest has no spotlight to give', async () => {
    const { ada, bob, cy } = await threePeople()
    // A guest's people list is open (so the host's buttons would be there), without them.
    await bob.getByRole('button', { name: 'People', exact: true }).click()
    await bob.getByTestId('participants').getByText('Host').waitFor()
    expect(await bob.getByRole('button', { name: /^Spotlight / }).count()).toBe(0)
    expect(await tileOf(bob, 'Ada').getByLabel('Actions for Ada', { exact: true }).count()).toBe(0)
    await bob.getByRole('button', { name: 'People', exact: true }).click()
    await hostAction(ada, 'Cy', 'Spotlight Cy for everyone')
    await onStage(bob, 'Cy', ['Ada', 'Bob'])
    await cy.getByRole('button', { name: 'Leave', exact: true }).click()
    for (const page of [ada, bob]) await grid(page)
  }, 180_000)
})
