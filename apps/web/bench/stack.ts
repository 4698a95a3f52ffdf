// What every web benchmark starts with: the whole local system (`startStack`, as the e2e tests
// run it) with its state in a fresh directory, one Chromium, and a way into a room's lobby.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { startStack } from '../../../scripts/lib/stack.mjs'
import { ensureSystemPackages } from '../../../scripts/lib/system-deps.mjs'
import { launchChromium } from '../../../scripts/test-support/browser.ts'

export async function benchStack(port: number) {
  ensureSystemPackages(['chromium', 'coturn'])
  const persistTo = mkdtempSync(join(tmpdir(), 'tangerine-bench-'))
  const stack = await startStack({ port, persistTo, stdio: 'pipe' })
  const browser: Browser = await launchChromium()

  /**
   * A person in the lobby of `room`: a context of their own (`prepare` runs on it first: init
   * scripts), named, camera preview shown, Join enabled.
   */
  async function inLobby(
    name: string,
    room: string,
    options: BrowserContextOptions = {},
    prepare?: (context: BrowserContext) => Promise<void>,
  ) {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'], ...options })
    await prepare?.(context)
    const page: Page = await context.newPage()
    await page.goto(`${stack.url}/r/${room}`)
    await page.getByLabel('Your name').fill(name)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByTestId('preview').locator('video').waitFor()
    await page.waitForFunction(() =>
      [...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === 'Join' && !b.disabled),
    )
    return page
  }

  async function close() {
    await browser.close()
    await stack.stop()
    rmSync(persistTo, { recursive: true, force: true })
  }

  return { stack, browser, inLobby, close }
}
