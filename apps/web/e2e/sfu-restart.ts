import type { Page } from 'playwright-core'
import { framesIn } from './tiles.ts'

/** The local SFU's health check (the stack runs it on its fixed port, scripts/lib/local-sfu.mjs). */
const SFU_HEALTHZ = 'http://127.0.0.1:7880/healthz'

const answers = async () => (await fetch(SFU_HEALTHZ).catch(() => undefined))?.ok === true

/**
 * Kills the stack's SFU with SIGKILL (its coturn goes with it, by the supervisor's hand) and
 * waits for the supervisor's new one to answer (after `whileDown`, if given). Returns when it did (`performance.now()`).
 */
export async function killSfu(
  pidOf: () => number | undefined,
  { timeoutMs = 30_000, whileDown }: { timeoutMs?: number; whileDown?: () => Promise<unknown> } = {},
): Promise<number> {
  const killed = pidOf()
  if (!killed) throw new Error('no SFU pid')
  process.kill(killed, 'SIGKILL')
  // What must hold while it is down, checked before it can be back.
  await whileDown?.()
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    const pid = pidOf()
    if (pid !== undefined && pid !== killed && (await answers())) return performance.now()
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`the SFU was not back within ${timeoutMs} ms`)
}

/**
 * Waits until each page shows the other's camera moving again (frames presented over half a
 * second, as a person looking at it sees them), checking both at once; returns when
 * (`performance.now()`, up to half a second late: the measure's window).
 */
export async function seeEachOther(pairs: Array<[Page, string]>, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs
  const moving = new Set<number>()
  while (performance.now() < deadline) {
    const frames = await Promise.all(pairs.map(([page, name], i) => (moving.has(i) ? 99 : framesIn(page, name))))
    frames.forEach((n, i) => n > 3 && moving.add(i))
    if (moving.size === pairs.length) return performance.now()
  }
  throw new Error(`no moving video on every page within ${timeoutMs} ms`)
}
