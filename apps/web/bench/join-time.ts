// Join time: click Join → first frame of the other person's video presented (and, once the page
// encrypts media, the same into an end-to-end encrypted meeting: the first decrypted frame), over
// 10 runs on loopback with the whole system running (`startStack`, the same stack as the e2e tests), and
// the room page's initial JavaScript. Prints figures; asserts nothing.
//
// What the figure holds: the guest's Calls session is opened after the click, not in the lobby
// (the media service serves only people the room has in the meeting, so someone looking in from
// the lobby gets no media). Orange Meets opens its Calls session and ICE in the lobby, so its
// "join" starts with that work done; ours includes it, and the bench prints when the session
// was opened to show which case was measured. The guest waits LOBBY_MS in the lobby with its
// camera on before clicking (a person reads the page; it also lets the preview settle), so
// every run starts from the same state; the first run warms the stack (JIT, first D1 and DO
// instances, Chromium's caches) and is printed apart, not counted.
// Run: npm run bench -w apps/web     (RUNS=10 LOBBY_MS=2000 by default)
import { gzipSync } from 'node:zlib'
import type { Page } from 'playwright-core'
import { benchStack } from './stack.ts'

const RUNS = Number(process.env.RUNS ?? 10)
const LOBBY_MS = Number(process.env.LOBBY_MS ?? 2000)
const { inLobby, close } = await benchStack(8791)

/** Bytes of JavaScript the room page loaded before anyone clicked anything, raw and gzipped. */
async function initialJs(page: Page) {
  const urls = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((r) => r.name)
      .filter((name) => name.endsWith('.js')),
  )
  let raw = 0
  let gzip = 0
  for (const url of urls) {
    const body = Buffer.from(await (await fetch(url)).arrayBuffer())
    raw += body.length
    gzip += gzipSync(body).length
  }
  return { files: urls.length, raw, gzip }
}

/**
 * The guest's Calls calls, lobby included: when each started and ended relative to the click
 * (negative: before it), and what the server says it spent.
 */
async function callsOf(page: Page, clickedAt: number) {
  return page.evaluate((clickedAt) => {
    return (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((r) => r.name.includes('/api/partytracks/'))
      .map((r) => ({
        call: `${new URL(r.name).pathname.replace('/api/partytracks', '').replace(/\/sessions\/(?!new$)[^/]+/, '/sessions/:id')}`,
        start: r.startTime - clickedAt,
        end: r.responseEnd - clickedAt,
        server: Object.fromEntries(r.serverTiming.map((t) => [t.name, t.duration])),
      }))
  }, clickedAt)
}

/** One meeting's kind: end-to-end encrypted (the host's choice in the lobby) or not. */
type Mode = 'plain' | 'e2ee'
const modes: Mode[] = ['plain', 'e2ee']

interface Figures {
  timings: number[]
  breakdowns: Array<Awaited<ReturnType<typeof callsOf>>>
  warmUp?: number
}

let js: Awaited<ReturnType<typeof initialJs>> | undefined

/**
 * RUNS joins (after a warm-up) into meetings of `mode`. In an encrypted meeting a frame is
 * presented only once decrypted (one that is not decrypts to nothing the decoder takes), so the
 * same mark is the first decrypted frame there.
 */
async function measure(mode: Mode): Promise<Figures> {
  const figures: Figures = { timings: [], breakdowns: [] }
  // Run 0 is the warm-up.
  for (let run = 0; run <= RUNS; run++) {
    const room = `bench-join-${mode}-${Date.now().toString(36)}-${run}`
    const host = await inLobby('Host', room)
    await host.getByRole('switch', { name: 'End-to-end encryption' }).setChecked(mode === 'e2ee')
    await host.getByRole('button', { name: 'Join', exact: true }).click()
    // The host is publishing before the guest arrives, as in a meeting already going on.
    await host.waitForFunction(
      () => document.querySelector('[data-testid="tile"]')?.getAttribute('data-video') === 'true',
    )
    const guest = await inLobby('Guest', room)
    // The lobby says what the meeting is: a figure for the wrong kind would be worse than none.
    const e2ee = await guest.getByTestId('lobby-e2ee').getAttribute('data-e2ee')
    if (e2ee !== String(mode === 'e2ee')) throw new Error(`A ${mode} run got a meeting with e2ee ${e2ee}`)
    js ??= await initialJs(guest)
    await guest.waitForTimeout(LOBBY_MS)
    await guest.bringToFront()
    // Both ends on the page's own clock: when the click reached the page, and when the first
    // frame of the host's video was presented (requestVideoFrameCallback), so the driver's
    // own work around a click (actionability checks, polling) is not counted.
    await guest.evaluate(() => {
      const marks: { click?: number; frame?: number } = {}
      ;(window as unknown as { joinMarks: typeof marks }).joinMarks = marks
      document.addEventListener(
        'click',
        (e) => {
          if ((e.target as Element | null)?.closest('button')?.textContent?.trim() === 'Join')
            marks.click ??= e.timeStamp
        },
        { capture: true },
      )
      const watch = () => {
        const video = document.querySelector<HTMLVideoElement>('[data-testid="tile"][data-name="Host"] video')
        if (!video) return requestAnimationFrame(watch)
        video.requestVideoFrameCallback((_now, frame) => (marks.frame ??= frame.presentationTime))
      }
      watch()
    })
    await guest.getByRole('button', { name: 'Join', exact: true }).click()
    const marks = await guest.waitForFunction(
      () => {
        const { click, frame } = (window as unknown as { joinMarks: { click?: number; frame?: number } }).joinMarks
        return click !== undefined && frame !== undefined && { click, frame }
      },
      undefined,
      { polling: 50, timeout: 30_000 },
    )
    const { click, frame } = (await marks.jsonValue()) as { click: number; frame: number }
    if (run === 0) figures.warmUp = frame - click
    else {
      figures.timings.push(frame - click)
      figures.breakdowns.push(await callsOf(guest, click))
    }
    await host.context().close()
    await guest.context().close()
  }
  return figures
}

const results = new Map<Mode, Figures>()
try {
  for (const mode of modes) results.set(mode, await measure(mode))
} finally {
  await close()
}

function report(mode: Mode, { timings, breakdowns, warmUp }: Figures) {
  const sorted = [...timings].sort((a, b) => a - b)
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
  const what = mode === 'e2ee' ? 'first decrypted remote frame, end-to-end encrypted' : 'first remote frame'
  console.log(
    `join → ${what}, ${timings.length} runs on loopback after ${LOBBY_MS} ms in the lobby (ms): ${timings.map((t) => t.toFixed(0)).join(' ')}`,
  )
  if (warmUp !== undefined) console.log(`  warm-up run (not counted): ${warmUp.toFixed(0)} ms`)
  const opened = breakdowns.map((calls) => calls.find((c) => c.call === '/sessions/new')?.start)
  const inLobbyRuns = opened.filter((t) => t !== undefined && t < 0).length
  console.log(
    `  Calls session opened ${inLobbyRuns === 0 ? 'after the click in every run' : `in the lobby in ${inLobbyRuns} of ${opened.length} runs`} (ms after the click: ${opened.map((t) => t?.toFixed(0) ?? '?').join(' ')})`,
  )
  console.log(`  p50 ${pct(50).toFixed(0)} ms, p90 ${pct(90).toFixed(0)} ms`)
  // The median run's Calls calls, in order: where the join's time goes before the first frame.
  const median = breakdowns[timings.indexOf(pct(50))]
  if (median) {
    console.log(
      "  the median run's Calls calls (ms after the click; server: total in the Workers, the gateway's auth, the media Worker's checks and its Calls API call):",
    )
    for (const c of median) {
      const server = Object.entries(c.server)
        .map(([k, v]) => `${k} ${v.toFixed(0)}`)
        .join(', ')
      console.log(
        `    ${c.start.toFixed(0).padStart(5)} → ${c.end.toFixed(0).padStart(5)}  ${c.call}${server ? `  (${server})` : ''}`,
      )
    }
  }
  return pct(50)
}
const p50s = [...results].map(([mode, figures]) => [mode, report(mode, figures)] as const)
if (p50s.length > 1)
  console.log(`p50 side by side: ${p50s.map(([mode, p50]) => `${mode} ${p50.toFixed(0)} ms`).join(', ')}`)
if (js)
  console.log(
    `room page initial JS: ${js.files} files, ${(js.raw / 1024).toFixed(1)} KiB raw, ${(js.gzip / 1024).toFixed(1)} KiB gzipped`,
  )
