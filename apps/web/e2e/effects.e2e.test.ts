import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { noisySpeech, person, writeWav, writeY4m } from '../../../scripts/test-support/fake-capture.ts'
import { detail, loudness } from './effects.ts'
import { artifacts, people } from './people.ts'
import { framesIn, tileOf } from './tiles.ts'
import { settings } from './controls.ts'

/*
 * Background blur and noise suppression, measured in what the other person receives through the
 * SFU, end-to-end encrypted (the default). Everyone's fake camera shows a person-like figure in a
 * striped shirt on a fine checkerboard, and everyone's fake mic plays voiced bursts in steady noise.
 */

const frame = person()
const { join: joinAs } = people({
  perTest: true,
  fake: () => {
    // One place, rewritten each run, rather than a new 3 MB pair every time.
    const dir = join(tmpdir(), 'tangerine-effects-fake-capture')
    mkdirSync(dir, { recursive: true })
    writeY4m(join(dir, 'person.y4m'), frame.width, frame.height, frame.paint)
    writeWav(join(dir, 'speech.wav'), noisySpeech())
    return { video: join(dir, 'person.y4m'), audio: join(dir, 'speech.wav') }
  },
})
const roomName = (what: string) => `e2e-effects-${what}-${Date.now().toString(36)}`

/** Detail of the background and of the shirt in `video`. */
const looks = async (video: Parameters<typeof detail>[0]) => {
  const [background, shirt] = await detail(video, frame.width, [frame.background, frame.shirt])
  return { background: background!, shirt: shirt! }
}

/** Calls API requests that (re)negotiate, made by `page` from now on. */
function negotiations(page: Page) {
  const seen: string[] = []
  page.on('request', (r) => {
    if (/\/api\/partytracks\/.*\/(tracks\/new|renegotiate)/.test(r.url())) seen.push(r.url())
  })
  return seen
}

describe('background blur', () => {
  it('blurs the background others receive, keeps the person sharp, without renegotiating; the choice is remembered', async () => {
    const room = roomName('blur')
    const ada = await joinAs('Ada', room)
    const bob = await joinAs('Bob', room, {
      inLobby: async (page) => expect(await page.getByTestId('lobby-e2ee').getAttribute('data-e2ee')).toBe('true'),
    })
    const adaSeenByBob = tileOf(bob, 'Ada').locator('video')
    await expect.poll(() => adaSeenByBob.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0)
    // Sharp, once the encoder has settled on the still picture.
    await expect.poll(async () => (await looks(adaSeenByBob)).background, { timeout: 20_000 }).toBeGreaterThan(2000)
    const sharp = await looks(adaSeenByBob)
    await bob.screenshot({ path: join(artifacts, 'blur-off.png') })

    // Ada's own pulls (Bob's tracks) are done, so any negotiation from here on would be the toggle's.
    await expect.poll(() => framesIn(ada, 'Bob')).toBeGreaterThan(0)
    const renegotiated = negotiations(ada)
    // In the meeting, blur and noise suppression are in the settings panel.
    const adaSettings = await settings(ada)
    await adaSettings.getByRole('button', { name: 'Blur background' }).click()
    await expect
      .poll(() => adaSettings.getByRole('button', { name: 'Blur background' }).getAttribute('aria-pressed'))
      .toBe('true')
    await expect
      .poll(async () => (await looks(adaSeenByBob)).background, { timeout: 30_000 })
      .toBeLessThan(sharp.background / 10)
    const blurred = await looks(adaSeenByBob)
    await bob.screenshot({ path: join(artifacts, 'blur-on.png') })
    console.log('blur: Laplacian variance (background, shirt) off', sharp, 'on', blurred)
    // The person was found and kept: the shirt's stripes lose little of their detail.
    expect(blurred.shirt).toBeGreaterThan(sharp.shirt / 2)
    // Ada's own tile shows what she sends.
    expect((await looks(tileOf(ada, 'Ada').locator('video'))).background).toBeLessThan(sharp.background / 10)
    expect(renegotiated).toEqual([])

    // Remembered on this device: a new page in Ada's browser starts with blur on, in the lobby preview.
    const again = await ada.context().newPage()
    await again.goto(ada.url())
    await again
      .getByRole('button', { name: 'Continue' })
      .click({ timeout: 2000 })
      .catch(() => {})
    await expect
      .poll(() => again.getByRole('button', { name: 'Blur background' }).getAttribute('aria-pressed'))
      .toBe('true')
    const preview = again.getByTestId('preview').locator('video')
    await expect
      .poll(async () => (await looks(preview)).background, { timeout: 30_000 })
      .toBeLessThan(sharp.background / 10)
    await again.close()

    // And off again in the meeting: the background comes back sharp. Far above blurred (0–3), not
    // necessarily back to where it was: the encoder takes its time to spend bits on detail again
    // (a loaded run stopped at 54k of 114k within 30 s).
    await (await settings(ada)).getByRole('button', { name: 'Blur background' }).click()
    await expect
      .poll(async () => (await looks(adaSeenByBob)).background, { timeout: 30_000 })
      .toBeGreaterThan(sharp.background / 4)
    expect(renegotiated).toEqual([])
  })
})

describe('noise suppression', () => {
  it('takes the noise out of the pauses others hear, keeping the speech', async () => {
    const room = roomName('noise')
    const ada = await joinAs('Ada', room)
    const bob = await joinAs('Bob', room, { inLobby: (page) => page.getByRole('button', { name: 'Mic on' }).click() })
    const adaHeardByBob = tileOf(bob, 'Ada').locator('audio')
    await expect
      .poll(async () => (await loudness(adaHeardByBob, 1000)).pauses, { timeout: 30_000 })
      .toBeGreaterThan(0.005)
    const noisy = await loudness(adaHeardByBob)

    await expect.poll(() => framesIn(ada, 'Bob')).toBeGreaterThan(0)
    const renegotiated = negotiations(ada)
    const adaSettings = await settings(ada)
    await adaSettings.getByRole('button', { name: 'Noise suppression' }).click()
    await expect
      .poll(() => adaSettings.getByRole('button', { name: 'Noise suppression' }).getAttribute('aria-pressed'))
      .toBe('true')
    await expect
      .poll(async () => (await loudness(adaHeardByBob, 2000)).pauses, { timeout: 30_000 })
      .toBeLessThan(noisy.pauses / 4)
    const clean = await loudness(adaHeardByBob)
    console.log('noise suppression: RMS (pauses, speech) off', noisy, 'on', clean)
    expect(clean.pauses).toBeLessThan(noisy.pauses / 4)
    // The voice still comes through.
    expect(clean.speech).toBeGreaterThan(noisy.speech / 4)
    expect(renegotiated).toEqual([])
  })
})
