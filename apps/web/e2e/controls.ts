import type { Locator, Page } from 'playwright-core'

/**
 * The meeting's More menu, opened if it is not: rarer actions (copy link, AI, host controls,
 * report a problem; on a phone also screen sharing, the hand and settings) live there.
 */
export async function more(page: Page): Promise<Locator> {
  const menu = page.locator('#more-menu')
  if (!(await menu.isVisible())) await page.getByRole('button', { name: 'More options' }).click()
  await menu.waitFor()
  return menu
}

/** The settings panel, opened from the control bar (a desktop's) if it is not. */
export async function settings(page: Page): Promise<Locator> {
  const panel = page.locator('#panel-settings')
  if (!(await panel.isVisible())) await page.getByRole('button', { name: 'Settings', exact: true }).click()
  await panel.getByRole('button', { name: 'Data saver' }).waitFor()
  return panel
}
