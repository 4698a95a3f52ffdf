// Background blur and noise suppression: what they cost. Prints figures; asserts nothing.
//   - blur: ms per 720p frame in the blur worker (segmentation and compositing), as the worker
//     itself times it on the lobby's camera (a 1280×720 fake camera file of a person-like figure);
//   - noise suppression: ms per 10 ms audio frame in RNNoise's AudioWorklet, rendering 20 s of
//     noisy speech offline with the same worklet and WASM files the app serves, less the same
//     render without it;
//   - the page's CPU with both on: one person alone in an end-to-end encrypted meeting, camera
//     and mic published, over 10 s with both off and then both on (CPU time of Chromium's
//     renderer process, which runs the page, its workers and its AudioWorklet, and of all its
//     processes, from the DevTools protocol), as % of one core.
// Run: npm run bench -w apps/web (after `npm run build -w apps/web`)
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startStack } from '../../../scripts/lib/stack.mjs'
import { ensureSystemPackages } from '../../../scripts/lib/system-deps.mjs'
import { launchChromium } from '../../../scripts/test-support/browser.ts'
import { noisySpeech, person, writeWav, writeY4m } from '../../../scripts/test-support/fake-capture.ts'

const SECONDS = 10
ensureSystemPackages(['chromium', 'coturn'])
const persistTo = mkdtempSync(join(tmpdir(), 'tangerine-bench-effects-'))
const files = mkdtempSync(join(tmpdir(), 'tangerine-bench-fake-'))
const frame = person()
writeY4m(join(files, 'person.y4m'), frame.width, frame.height, frame.paint)
writeWav(join(files, 'speech.wav'), noisySpeech())
const stack = await startStack({ port: 8792, persistTo, stdio: 'pipe' })
const browser: Browser = await launchChromium({ video: join(files, 'person.y4m'), audio: join(files, 'speech.wav') })

/** Someone in the lobby of a new room, named, with the camera preview playing. */
async function inLobby(room: string): Promise<Page> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] })
  const page = await context.newPage()
  await page.goto(`${stack.url}/r/${room}`)
  await page.getByLabel('Your name').fill('Bench')
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByTestId('preview').locator('video').waitFor()
  return page
}

interface BlurTiming {
  ms: number
  width: number
  height: number
}

/** The blur worker's latest per-frame time (a mean over 30 frames), once a second for `SECONDS`. */
async function blurPerFrame(page: Page): Promise<BlurTiming[]> {
  const latest = () =>
    page.evaluate(
      () =>
        (performance.getEntriesByName('tangerine:blur-frame').at(-1) as PerformanceMark | undefined)?.detail as
          BlurTiming | undefined,
    )
  await page.waitForFunction(() => performance.getEntriesByName('tangerine:blur-frame').length > 0, undefined, {
    timeout: 60_000,
  })
  // The first frames include the runtime's warm-up.
  await page.waitForTimeout(3000)
  const timings: BlurTiming[] = []
  for (let i = 0; i < SECONDS; i++) {
    await page.waitForTimeout(1000)
    const t = await latest()
    if (t) timings.push(t)
  }
  return timings
}

/** RNNoise's time per 10 ms frame, from offline renders with and without its worklet, and the pauses' RMS without and with. */
async function rnnoisePerFrame(page: Page): Promise<{ ms: number; pauses: number[] }> {
  const assets = readdirSync(join(import.meta.dirname, '../.svelte-kit/cloudflare/_app/immutable/assets'))
  const find = (re: RegExp) => `/_app/immutable/assets/${assets.find((f) => re.test(f))}`
  const speech = Array.from(noisySpeech({ seconds: 20 }))
  return page.evaluate(
    async ({ worklet, wasm, speech }) => {
      const render = async (suppress: boolean) => {
        const context = new OfflineAudioContext(1, speech.length, 48_000)
        const buffer = context.createBuffer(1, speech.length, 48_000)
        buffer.copyToChannel(Float32Array.from(speech), 0)
        const source = context.createBufferSource()
        source.buffer = buffer
        if (suppress) {
          await context.audioWorklet.addModule(worklet)
          const wasmBinary = await (await fetch(wasm)).arrayBuffer()
          const node = new AudioWorkletNode(context, '@sapphi-red/web-noise-suppressor/rnnoise', {
            processorOptions: { maxChannels: 1, wasmBinary },
          })
          source.connect(node).connect(context.destination)
        } else source.connect(context.destination)
        source.start()
        // The worklet instantiates RNNoise asynchronously and passes nothing through until then:
        // the render waits at its start for that, and is timed from there.
        let started = 0
        void context.suspend(0).then(() =>
          setTimeout(() => {
            started = performance.now()
            void context.resume()
          }, 500),
        )
        const out = (await context.startRendering()).getChannelData(0)
        const elapsed = performance.now() - started
        // RMS in the pauses (every other half second), to check the audio went through RNNoise.
        let sum = 0
        let n = 0
        for (let i = 0; i < out.length; i++)
          if (Math.floor(i / 24_000) % 2 === 1) {
            sum += out[i]! ** 2
            n++
          }
        return { elapsed, pauses: Math.sqrt(sum / n) }
      }
      await render(true) // warm-up: compiling the WASM
      const withIt = await render(true)
      const without = await render(false)
      if (withIt.pauses > without.pauses / 4)
        throw new Error(`RNNoise did not process the render: ${JSON.stringify({ withIt, without })}`)
      return { ms: (withIt.elapsed - without.elapsed) / (speech.length / 480), pauses: [without.pauses, withIt.pauses] }
    },
    { worklet: find(/^workletProcessor\..*\.js$/), wasm: find(/^rnnoise_simd\..*\.wasm$/), speech },
  )
}

/** CPU seconds so far of the renderer processes and of all of Chromium's processes. */
async function cpuTimes(): Promise<{ renderer: number; total: number }> {
  const cdp = await browser.newBrowserCDPSession()
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: Array<{ type: string; cpuTime: number }>
  }
  await cdp.detach()
  const sum = (list: typeof processInfo) => list.reduce((a, p) => a + p.cpuTime, 0)
  return { renderer: sum(processInfo.filter((p) => p.type === 'renderer')), total: sum(processInfo) }
}

/** % of one core over `SECONDS`. */
async function cpuOver(page: Page) {
  const before = await cpuTimes()
  await page.waitForTimeout(SECONDS * 1000)
  const after = await cpuTimes()
  const pct = (k: 'renderer' | 'total') => ((after[k] - before[k]) / SECONDS) * 100
  return { renderer: pct('renderer'), total: pct('total') }
}

try {
  const lobby = await inLobby(`bench-blur-${Date.now().toString(36)}`)
  await lobby.getByRole('button', { name: 'Blur background' }).click()
  const blur = await blurPerFrame(lobby)
  const ms = blur.map((t) => t.ms)
  console.log(
    `blur: ms per ${blur[0]?.width}×${blur[0]?.height} frame in the worker (each a mean over 30 frames, once a second): ${ms.map((m) => m.toFixed(1)).join(' ')}`,
  )
  console.log(`  mean ${(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(1)} ms`)
  // Back off for the next parts (the choice is remembered in this context).
  await lobby.getByRole('button', { name: 'Blur background' }).click()

  const noise = await rnnoisePerFrame(lobby)
  console.log(
    `noise suppression: ${noise.ms.toFixed(3)} ms per 10 ms frame (RNNoise, SIMD build; RMS in the pauses ${noise.pauses.map((p) => p.toFixed(4)).join(' → ')})`,
  )
  await lobby.context().close()

  const alone = await inLobby(`bench-cpu-${Date.now().toString(36)}`)
  await alone.getByRole('button', { name: 'Join', exact: true }).click()
  await alone.getByRole('navigation', { name: 'Meeting controls' }).waitFor()
  await alone.waitForFunction(
    () => document.querySelector('[data-testid="tile"]')?.getAttribute('data-video') === 'true',
  )
  await alone.waitForTimeout(3000)
  const off = await cpuOver(alone)
  await alone.getByRole('button', { name: 'Blur background' }).click()
  await alone.getByRole('button', { name: 'Noise suppression' }).click()
  await alone.waitForFunction(() => performance.getEntriesByName('tangerine:blur-frame').length > 0, undefined, {
    timeout: 60_000,
  })
  await alone.waitForTimeout(3000)
  const on = await cpuOver(alone)
  console.log(
    `page CPU, alone in an encrypted meeting publishing 720p camera and mic (% of one core over ${SECONDS} s): both off: renderer ${off.renderer.toFixed(0)}%, all of Chromium ${off.total.toFixed(0)}%; blur and noise suppression on: renderer ${on.renderer.toFixed(0)}%, all of Chromium ${on.total.toFixed(0)}%`,
  )
} finally {
  await browser.close()
  await stack.stop()
  rmSync(persistTo, { recursive: true, force: true })
  rmSync(files, { recursive: true, force: true })
}
