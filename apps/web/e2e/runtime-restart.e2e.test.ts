import { mkdtempSync, rmSync } from 'node:fs'
import { freePort } from './free-port.ts'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import { ServerMessage } from '@tangerine/contracts'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyD1Migrations, root, startWorkers, workerConfigs, type Workers } from '../../../scripts/lib/stack.mjs'
import { artifacts, people } from './people.ts'
import { seeEachOther } from './sfu-restart.ts'
import { framesIn, tileOf } from './tiles.ts'

/*
 * The Workers runtime restarted mid-meeting, with real processes: `wrangler dev` stopped and
 * started again on the same port with the same persisted state. The shared e2e stack's Workers
 * are not restarted (other files use them): this file runs a `wrangler dev` of its own, on a port
 * and state of its own, beside the shared stack's SFU (which the restart does not touch).
 */

let workers: Workers
const persistTo = mkdtempSync(joinPath(tmpdir(), 'tangerine-restart-'))
beforeAll(async () => {
  await applyD1Migrations(persistTo)
  workers = await startWorkers({ root, configs: workerConfigs, port: await freePort(), persistTo, stdio: 'pipe' })
})
afterAll(async () => {
  await workers?.stop()
  rmSync(persistTo, { recursive: true, force: true })
})

const { join } = people({ url: () => workers.url })

/** A room socket the page opened: its URL, when it first heard from the room, and what it heard. */
interface Socket {
  url: URL
  firstFrameAt?: number
  frames: ServerMessage[]
}

/** The page's room sockets, as its WebSocket frames show them. */
function roomSocketsOf(page: Page) {
  const sockets: Socket[] = []
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/api/rooms/')) return
    const socket: Socket = { url: new URL(ws.url()), frames: [] }
    sockets.push(socket)
    ws.on('framereceived', ({ payload }) => {
      socket.firstFrameAt ??= performance.now()
      socket.frames.push(ServerMessage.parse(JSON.parse(String(payload))))
    })
  })
  return sockets
}

/** Room event types among what the sockets heard (live and replayed). */
const eventTypes = (sockets: Socket[]) =>
  sockets.flatMap((s) =>
    s.frames.flatMap((m) =>
      m.type === 'event' ? [m.event.type] : m.type === 'replay' ? m.events.map((e) => e.type) : [],
    ),
  )

async function say(page: Page, text: string) {
  if (!(await page.getByLabel('Message').isVisible()))
    await page.getByRole('button', { name: 'Chat', exact: true }).click()
  await page.getByLabel('Message').fill(text)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
}

/** The chat as a person reads it: each message's text, and which are marked as not sent. */
async function chatOf(page: Page) {
  const list = page.getByTestId('chat-messages')
  const sent = await list.locator('li:not(.outgoing) p').allTextContents()
  const notSent = await list.getByTestId('chat-not-sent').locator('p').allTextContents()
  return { sent, notSent }
}

const times = (texts: string[], text: string) => texts.filter((t) => t === text).length

describe('a meeting when the Workers runtime restarts', () => {
  it('keeps the same people, host and chat, without a duplicate or a lost message', { timeout: 240_000 }, async () => {
    const room = `e2e-runtime-restart-${Date.now().toString(36)}`
    let adaSockets: Socket[] = []
    let bobSockets: Socket[] = []
    const ada = await join('Ada', room, { onPage: (page) => void (adaSockets = roomSocketsOf(page)) })
    const bob = await join('Bob', room, { onPage: (page) => void (bobSockets = roomSocketsOf(page)) })
    // Readiness, not speed: on a loaded machine the first frames can take a while.
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 60_000 }).toBeGreaterThan(3)
    await expect.poll(() => framesIn(bob, 'Ada'), { timeout: 60_000 }).toBeGreaterThan(3)
    await say(ada, 'before the restart')
    for (const page of [ada, bob])
      await expect.poll(async () => (await chatOf(page)).sent).toContain('before the restart')
    const loaded = await Promise.all([ada, bob].map((p) => p.evaluate(() => performance.timeOrigin)))
    const socketsBefore = [adaSockets.length, bobSockets.length]

    let stopped = 0
    await workers.restart({
      // Said while the runtime is down: the page must not lose it silently.
      whileDown: () => ((stopped = performance.now()), say(bob, 'said while the runtime was down')),
    })
    const back = performance.now()
    // Each page opens a new room socket and hears from the restarted room.
    const reopened = async (sockets: Socket[], before: number) => {
      await expect
        .poll(() => sockets.slice(before).some((s) => s.firstFrameAt !== undefined), { timeout: 30_000 })
        .toBe(true)
      return sockets.slice(before).find((s) => s.firstFrameAt !== undefined)!
    }
    const [adaNew, bobNew] = await Promise.all([
      reopened(adaSockets, socketsBefore[0]!),
      reopened(bobSockets, socketsBefore[1]!),
    ])
    const fromHealthy = [adaNew, bobNew].map((s) => Math.round(s.firstFrameAt! - back))
    const outage = [adaNew, bobNew].map((s) => Math.round(s.firstFrameAt! - stopped))
    // /api/health is polled every 250 ms and waits for every service: a socket may be back before it says so.
    console.log(
      `room sockets heard from the restarted room ${fromHealthy.join(' and ')} ms after /api/health was ok again, ` +
        `${outage.join(' and ')} ms after wrangler had stopped (its start included)`,
    )
    // They resume from their place in the log: a replay of what they missed, not a whole new state.
    for (const s of [adaNew, bobNew]) {
      expect(Number(s.url.searchParams.get('since'))).toBeGreaterThan(0)
      expect(s.frames[0]?.type).toBe('replay')
    }

    await say(ada, 'after the restart')
    await say(bob, 'Bob, after the restart')
    for (const page of [ada, bob]) {
      await expect.poll(async () => (await chatOf(page)).sent, { timeout: 20_000 }).toContain('Bob, after the restart')
      await expect.poll(async () => (await chatOf(page)).sent, { timeout: 20_000 }).toContain('after the restart')
    }
    // The message of the outage: in the log once on both pages, or on neither and marked on Bob's
    // as not sent (after the outbox's wait, 8 s, a message the log never took is marked).
    await expect
      .poll(
        async () => {
          const [a, b] = await Promise.all([chatOf(ada), chatOf(bob)])
          const during = 'said while the runtime was down'
          return times(b.notSent, during) === 1
            ? [times(a.sent, during), times(b.sent, during)]
            : [times(a.sent, during), times(b.sent, during) + times(b.notSent, during)]
        },
        { timeout: 20_000 },
      )
      .toSatisfy(([a, b]: number[]) => (a === 0 && b === 0) || (a === 1 && b === 1))
    // Every other message once, in order, on both pages.
    for (const page of [ada, bob])
      expect((await chatOf(page)).sent.filter((t) => t !== 'said while the runtime was down')).toEqual([
        'before the restart',
        'after the restart',
        'Bob, after the restart',
      ])

    // Same people, same host, nobody left the room's log, no reload.
    await tileOf(ada, 'Bob').waitFor()
    await tileOf(bob, 'Ada').waitFor()
    expect(await tileOf(ada, 'Bob').count()).toBe(1)
    expect(await tileOf(bob, 'Ada').count()).toBe(1)
    await tileOf(bob, 'Ada').getByTestId('host-badge').waitFor()
    expect(await tileOf(ada, 'Bob').getByTestId('host-badge').count()).toBe(0)
    for (const sockets of [adaSockets, bobSockets])
      expect(eventTypes(sockets).filter((t) => /Left|Disconnected|Removed/.test(t))).toEqual([])
    expect(await Promise.all([ada, bob].map((p) => p.evaluate(() => performance.timeOrigin)))).toEqual(loaded)

    // Video still moving both ways.
    await seeEachOther(
      [
        [ada, 'Bob'],
        [bob, 'Ada'],
      ],
      30_000,
    )
    await bob.screenshot({ path: `${artifacts}/runtime-restarted.png` })
  })
})
