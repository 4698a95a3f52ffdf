import { chromium, type Browser } from 'playwright-core'

/**
 * Debian's Chromium, headless, with a fake camera and microphone that need no permission
 * prompt. Background networking is off: this machine has no internet and Chromium would
 * otherwise keep trying to reach Google.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-gpu',
    ],
  })
}
