import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, inject } from 'vitest'
import { launchChromium } from '../../../scripts/test-support/browser.ts'

/** Where the run's screenshots go (artifacts of the test command). */
export const artifacts = join(import.meta.dirname, '../../../artifacts/screenshots')
/** The whole system, as `npm run dev` runs it (scripts/test-support/stack-setup.ts). */
export const stackUrl = inject('stackUrl')

export interface PersonOptions {
  /** Runs in every page of this person before the app's own scripts (test instrumentation). */
  initScript?: () => void
  /** Called with the new page before it opens anything: listeners that must see every request. */
  onPage?: (page: Page) => void
  /** Wait for the lobby's camera preview before joining (default), as a person looking at it would. */
  waitForCamera?: boolean
  /** In the lobby, just before Join. */
  inLobby?: (page: Page) => Promise<void>
}

/**
 * The people of one test file: one Chromium, and a browser context (own cookies, own fake
 * camera and mic) per person, all closed when the file is done.
 */
export function people() {
  let browser: Browser
  const contexts: BrowserContext[] = []
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true })
    browser = await launchChromium()
  })
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    await browser?.close()
  })

  /** A page of its own, media allowed; page errors are printed under `name`. */
  async function newPage(name: string, initScript?: () => void): Promise<Page> {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] })
    contexts.push(context)
    if (initScript) await context.addInitScript(initScript)
    const page = await context.newPage()
    page.on('pageerror', (err) => console.error(`[${name}] page error: ${err.message}`))
    return page
  }

  /** A person named in the lobby of `room` and in the meeting. */
  async function join(name: string, room: string, options: PersonOptions = {}): Promise<Page> {
    const page = await newPage(name, options.initScript)
    options.onPage?.(page)
    await page.goto(`${stackUrl}/r/${room}`)
    await page.getByLabel('Your name').fill(name)
    await page.getByRole('button', { name: 'Continue' }).click()
    if (options.waitForCamera ?? true) {
      await expect.poll(() => page.getByTestId('preview').locator('video').count(), { timeout: 10_000 }).toBe(1)
    }
    await options.inLobby?.(page)
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    await page.getByRole('navigation', { name: 'Meeting controls' }).waitFor()
    return page
  }

  return { newPage, join }
}
