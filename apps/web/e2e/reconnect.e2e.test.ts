import { ServerMessage, type LoggedEvent } from '@tangerine/contracts'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { HEARD, levelOf } from './audio.ts'
import { people } from './people.ts'
import { lastSeq, roomLink, type RoomSocket } from './room-link.ts'
import { framesIn, tileOf } from './tiles.ts'

/*
 * Network trouble on the room socket, made between the page and the room (room-link.ts): a clean
 * drop, a half-open one (no close frame either way) and one longer than the room's presence
 * timeout. The page must come back with `since` and get just what it missed; the room must count
 * out someone who is silently gone.
 */

const { join } = people({ perTest: true })
const roomName = (what: string) => `e2e-drop-${what}-${Date.now().toString(36)}`

/** Every room message a page receives, as its WebSocket frames (for the page that watches). */
function roomFramesOf(page: Page) {
  const got: ServerMessage[] = []
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/api/rooms/')) return
    ws.on('framereceived', ({ payload }) => got.push(ServerMessage.parse(JSON.parse(String(payload)))))
  })
  return got
}

/**
 * Ada, watched, and Bob behind a link the test controls; both see each other. `quiet`: both mics
 * off from the lobby, so that no "speaking" events stream in while the test reads which `seq`
 * the page last got (one in flight when the link goes would be counted as delivered).
 */
async function meeting(what: string, { quiet = false } = {}) {
  const room = roomName(what)
  const inLobby = quiet ? (page: Page) => page.getByRole('button', { name: 'Mic on' }).click() : undefined
  let adaFrames: ServerMessage[] = []
  const ada = await join('Ada', room, { inLobby, onPage: (page) => void (adaFrames = roomFramesOf(page)) })
  let link!: Awaited<ReturnType<typeof roomLink>>
  const bob = await join('Bob', room, { inLobby, onPage: async (page) => void (link = await roomLink(page)) })
  // Readiness, not speed: on a loaded machine the first frames can take a while.
  await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 60_000 }).toBeGreaterThan(3)
  const first = link.sockets[0]!.fromRoom.find((m) => m.type === 'roomState')
  return { ada, bob, link, adaFrames, bobId: first!.you }
}

/** The events of `frames` that say `userId` left. */
const leftEvents = (frames: ServerMessage[], userId: string) =>
  frames.flatMap((m) =>
    m.type === 'event' && m.event.type === 'UserDisconnected' && m.event.data.userId === userId ? [m.event.data] : [],
  )

async function say(page: Page, text: string) {
  if (!(await page.getByLabel('Message').isVisible()))
    await page.getByRole('button', { name: 'Chat', exact: true }).click()
  await page.getByLabel('Message').fill(text)
  await page.getByRole('button', { name: 'Send' }).click()
}

const delivered = (s: RoomSocket) => s.fromRoom.filter((m) => !s.lost.includes(m))
const seqs = (events: LoggedEvent[]) => events.map((e) => e.seq)
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** The page's place in the room's log, as its debug panel (Ctrl+Shift+D) shows it. */
async function seqOf(page: Page) {
  const panel = page.getByTestId('debug-panel')
  if ((await panel.count()) === 0) await page.keyboard.press('Control+Shift+D')
  return Number(/seq (\d+)/.exec((await panel.textContent()) ?? '')?.[1])
}

/**
 * The sockets after `dropped`: their URLs say `since` the page's place in the log, and the room
 * answered with a replay of exactly the events after it (no whole state).
 */
async function expectResumed(sockets: RoomSocket[], dropped: RoomSocket, missed: string, since: number) {
  const after = sockets.slice(sockets.indexOf(dropped) + 1)
  for (const s of after) expect(s.url.searchParams.get('since')).toBe(String(since))
  const resumed = after.find((s) => s.fromRoom.length > 0)!
  const replay = resumed.fromRoom[0]!
  if (replay.type !== 'replay') throw new Error(`resumed with ${replay.type}, not a replay`)
  expect(seqs(replay.events)).toEqual(range(since + 1, replay.seq))
  expect(replay.events).toContainEqual(
    expect.objectContaining({ type: 'ChatMessageSent', data: expect.objectContaining({ message: missed }) }),
  )
  expect(resumed.fromRoom.some((m) => m.type === 'roomState')).toBe(false)
  return replay
}

describe('the room socket after a network drop', () => {
  it('catches up with `since` on just what it missed during a short, clean drop', async () => {
    const { ada, bob, link } = await meeting('clean', { quiet: true })
    const dropped = link.sockets.at(-1)!
    link.down = true
    await link.drop()
    // Where the page got to: frames in flight when the link went never reached it.
    const since = await seqOf(bob)
    expect(since).toBeGreaterThan(0)
    expect(since).toBeLessThanOrEqual(lastSeq(dropped.fromRoom))
    await say(ada, 'said while Bob was away')
    // He tried at least once while the network was down.
    await expect.poll(() => link.sockets.length).toBeGreaterThan(2)
    link.down = false
    await expect
      .poll(() => bob.getByTestId('chat-messages').textContent(), { timeout: 20_000 })
      .toContain('said while Bob was away')
    await expectResumed(link.sockets, dropped, 'said while Bob was away', since)
    await tileOf(ada, 'Bob').waitFor({ timeout: 20_000 })
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 20_000 }).toBeGreaterThan(3)
  })

  it('notices a half-open socket (no close frame), replaces it and catches up on what was lost on it', async () => {
    const { ada, bob, link, adaFrames, bobId } = await meeting('half-open', { quiet: true })
    const dead = link.sockets.at(-1)!
    link.goSilent()
    await say(ada, 'said into a dead socket')
    // The room sent it on the dead socket: lost, and nobody told the page.
    await expect.poll(() => dead.lost.some((m) => m.type === 'event' && m.event.type === 'ChatMessageSent')).toBe(true)
    // The page hears nothing, not even the pong to its heartbeat, gives up on the socket and opens another.
    await expect.poll(() => dead.closedByPage, { timeout: 20_000 }).toBe(true)
    await expect
      .poll(() => bob.getByTestId('chat-messages').textContent(), { timeout: 20_000 })
      .toContain('said into a dead socket')
    // Seconds passed before the page gave up: everything sent before the link went dead had reached it.
    const replay = await expectResumed(link.sockets, dead, 'said into a dead socket', lastSeq(delivered(dead)))
    for (const m of dead.lost) if (m.type === 'event') expect(replay.events).toContainEqual(m.event)
    // Back before the room counted him out: he never left Ada's meeting. Bob speaks after the
    // catch-up; once Ada has that, anything the room sent her before it has reached her too.
    await say(bob, 'back again')
    await expect.poll(() => ada.getByTestId('chat-messages').textContent()).toContain('back again')
    expect(leftEvents(adaFrames, bobId)).toEqual([])
    expect(await tileOf(ada, 'Bob').count()).toBe(1)
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 20_000 }).toBeGreaterThan(3)
  })

  it(
    'has the room time out someone whose socket went half-open and who does not come back',
    { timeout: 90_000 },
    async () => {
      const { ada, link, adaFrames, bobId } = await meeting('gone')
      const dead = link.sockets.at(-1)!
      link.down = true
      link.goSilent()
      // His page notices and keeps trying; none of it reaches the room.
      await expect.poll(() => dead.closedByPage, { timeout: 20_000 }).toBe(true)
      await expect.poll(() => link.sockets.length).toBeGreaterThan(2)
      // The room, which never got a close either, counts him out for silence.
      await expect
        .poll(() => leftEvents(adaFrames, bobId), { timeout: 30_000 })
        .toEqual([{ userId: bobId, reason: 'timeout' }])
      await expect.poll(() => tileOf(ada, 'Bob').count()).toBe(0)
    },
  )

  it('comes back, seen and heard, after a drop longer than the presence timeout', { timeout: 90_000 }, async () => {
    const { ada, link, adaFrames, bobId } = await meeting('long')
    link.down = true
    await link.drop()
    await expect
      .poll(() => leftEvents(adaFrames, bobId), { timeout: 30_000 })
      .toEqual([{ userId: bobId, reason: 'timeout' }])
    await expect.poll(() => tileOf(ada, 'Bob').count()).toBe(0)
    link.down = false
    await tileOf(ada, 'Bob').waitFor({ timeout: 30_000 })
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 30_000 }).toBeGreaterThan(3)
    await expect.poll(() => tileOf(ada, 'Bob').getAttribute('data-muted')).toBe('false')
    await expect.poll(() => levelOf(ada, 'Bob'), { timeout: 30_000 }).toBeGreaterThan(HEARD)
  })
})
