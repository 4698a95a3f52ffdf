import { readFileSync } from 'node:fs'
import { ServerMessage } from '@tangerine/contracts'
import type { Page } from 'playwright-core'
import { describe, expect, inject, it } from 'vitest'
import { artifacts, people, stackUrl } from './people.ts'
import { killSfu, seeEachOther } from './sfu-restart.ts'
import { framesIn } from './tiles.ts'

/*
 * Faults of the media plane mid-meeting, with real processes: the stack's SFU killed with SIGKILL
 * and restarted by the stack's supervisor. The meeting must recover without a reload and without
 * the room hearing anyone leave. (apps/web/bench/recovery.ts times it over 10 restarts.)
 */

const { join } = people({ perTest: true })
const sfuPid = () => Number(readFileSync(inject('sfuPidFile'), 'utf8')) || undefined

/** The room events a page receives over its room socket. */
function roomEventsOf(page: Page) {
  const types: string[] = []
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/api/rooms/')) return
    ws.on('framereceived', ({ payload }) => {
      const message = ServerMessage.parse(JSON.parse(String(payload)))
      if (message.type === 'event') types.push(message.event.type)
      if (message.type === 'replay') types.push(...message.events.map((e) => e.type))
    })
  })
  return types
}

describe('a meeting when the SFU dies', () => {
  it('comes back on both pages, without a reload, soon after the SFU is back', async () => {
    const room = `e2e-faults-sfu-${Date.now().toString(36)}`
    let adaEvents: string[] = []
    const ada = await join('Ada', room, { onPage: (page) => void (adaEvents = roomEventsOf(page)) })
    const bob = await join('Bob', room)
    // Readiness, not speed: on a loaded machine the first frames can take a while.
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 60_000 }).toBeGreaterThan(3)
    await expect.poll(() => framesIn(bob, 'Ada'), { timeout: 60_000 }).toBeGreaterThan(3)
    const loaded = await Promise.all([ada, bob].map((p) => p.evaluate(() => performance.timeOrigin)))

    const restoredToast = ada.getByText('Media connection restored').waitFor({ timeout: 60_000 })
    // When each page asks for a new Calls session: the moment it knew the old one was gone.
    const renewed = [ada, bob].map((page) =>
      page
        .waitForRequest((r) => r.url().includes('/api/partytracks/sessions/new'), { timeout: 60_000 })
        .then(() => performance.now()),
    )
    // While the SFU is down, the health page says so: the media service is down.
    const mediaHealth = async () => {
      const body = (await (await fetch(`${stackUrl}/api/health?service=media`)).json()) as {
        services: Array<{ service: string; status: string }>
      }
      return body.services.find((s) => s.service === 'media')?.status
    }
    const back = await killSfu(sfuPid, {
      whileDown: () => expect.poll(mediaHealth, { interval: 50, timeout: 10_000 }).toBe('down'),
    })
    const seen = await seeEachOther(
      [
        [ada, 'Bob'],
        [bob, 'Ada'],
      ],
      45_000,
    )
    const recoveryMs = Math.round(seen - back)
    const noticedMs = (await Promise.all(renewed)).map((at) => Math.round(at - back))
    console.log(
      `media recovered ${recoveryMs} ms after the SFU was back (within 0.5 s: the frame measure's window); ` +
        `new sessions asked for ${noticedMs.join(' and ')} ms after it was back`,
    )
    // Generous (the goal is 5 s, measured by the bench): a loaded machine must not fail it.
    expect(recoveryMs).toBeLessThan(20_000)
    // The loss is noticed by asking the SFU, not after ICE's own timeouts (5 s to "disconnected",
    // then partytracks' 7 s): each page asks for a new session soon after the SFU answers again.
    for (const ms of noticedMs) expect(ms).toBeLessThan(3000)

    // Said to the person, and no reload: the same documents, and nobody left the room.
    await restoredToast
    expect(await Promise.all([ada, bob].map((p) => p.evaluate(() => performance.timeOrigin)))).toEqual(loaded)
    expect(adaEvents.filter((t) => /Left|Disconnected|Removed/.test(t))).toEqual([])
    await ada.screenshot({ path: `${artifacts}/faults-sfu-restarted.png` })
  })
})
