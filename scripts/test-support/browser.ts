import { chromium, type Browser } from 'playwright-core'

/** Files the fake camera and mic play instead of Chromium's own test pattern and beeps. */
export interface FakeCapture {
  /** A .y4m (or .mjpeg) file, looped. */
  video?: string
  /** A .wav file, looped. */
  audio?: string
}

/**
 * Debian's Chromium, headless, with a fake camera and microphone that need no permission
 * prompt. Background networking is off: this machine has no internet and Chromium would
 * otherwise keep trying to reach Google.
 */
export function launchChromium(fake: FakeCapture = {}): Promise<Browser> {
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
      ...(fake.video ? [`--use-file-for-fake-video-capture=${fake.video}`] : []),
      ...(fake.audio ? [`--use-file-for-fake-audio-capture=${fake.audio}`] : []),
    ],
  })
}
