import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest'
import { launchChromium, type FakeCapture } from '../../../scripts/test-support/browser.ts'
import { previewFrames } from './tiles.ts'

/** Where the run's screenshots go (artifacts of the test command). */
export const artifacts = join(import.meta.dirname, '../../../artifacts/screenshots')
/** The whole system, as `npm run dev` runs it (scripts/test-support/stack-setup.ts). */
export const stackUrl = inject('stackUrl')

export interface PersonOptions {
  /** Runs in every page of this person before the app's own scripts (test instrumentation). */
  initScript?: () => void
  /** Called with the new page before it opens anything (awaited): listeners that must see every request, routes. */
  onPage?: (page: Page) => unknown
  /** Permissions beyond camera and microphone (e.g. the clipboard's). */
  permissions?: string[]
  /** The browser context's own settings: a phone's viewport, touch and user agent, say. */
  device?: BrowserContextOptions
  /** Wait for the lobby's camera preview before joining (default), as a person looking at it would. */
  waitForCamera?: boolean
  /** In the lobby, just before Join. */
  inLobby?: (page: Page) => Promise<void>
  /**
   * For the person whose join opens the meeting: the lobby's end-to-end encryption switch, set
   * so (left as it is, on, by default). The AI cannot come into an encrypted meeting.
   */
  e2ee?: boolean
}

/**
 * The people of one test file: one Chromium, and a browser context (own cookies, own fake
 * camera and mic) per person, all closed when the file is done, or after each test with
 * `perTest` (each test then has people of its own, and the machine is not busy with the last
 * test's calls). `fake` names the files the fake camera and mic play, made once the file's
 * tests start (Chromium takes them at launch, for every page). `url` names the stack they join
 * (the shared one unless a test file runs its own), read when each person joins.
 */
export function people({ perTest = false, fake = (): FakeCapture => ({}), url = (): string => stackUrl } = {}) {
  let browser: Browser
  const contexts: BrowserContext[] = []
  const closeAll = async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => {})
  }
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true })
    browser = await launchChromium(fake())
  })
  if (perTest) afterEach(closeAll)
  afterAll(async () => {
    await closeAll()
    await browser?.close()
  })

  /** A page of its own, media allowed; page errors are printed under `name`. */
  async function newPage(
    name: string,
    initScript?: () => void,
    permissions: string[] = [],
    device: BrowserContextOptions = {},
  ): Promise<Page> {
    const context = await browser.newContext({ ...device, permissions: ['camera', 'microphone', ...permissions] })
    contexts.push(context)
    if (initScript) await context.addInitScript(initScript)
    const page = await context.newPage()
    page.on('pageerror', (err) => console.error(`[${name}] page error: ${err.message}`))
    return page
  }

  /** A person named in the lobby of `room` and in the meeting. */
  async function join(name: string, room: string, options: PersonOptions = {}): Promise<Page> {
    const page = await newPage(name, options.initScript, options.permissions, options.device)
    await options.onPage?.(page)
    await page.goto(`${url()}/r/${room}`)
    await page.getByLabel('Your name').fill(name)
    await page.getByRole('button', { name: 'Continue' }).click()
    if (options.waitForCamera ?? true) await expect.poll(() => previewFrames(page)).toBeGreaterThan(3)
    if (options.e2ee !== undefined)
      await page.getByRole('switch', { name: 'End-to-end encryption' }).setChecked(options.e2ee)
    await options.inLobby?.(page)
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    await page.getByRole('navigation', { name: 'Meeting controls' }).waitFor()
    return page
  }

  return { newPage, join }
}
