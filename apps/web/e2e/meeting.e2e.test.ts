import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { artifacts, people, stackUrl as url } from './people.ts'
import { sessionOf, tracksAtSfu } from './sfu.ts'
import { framesIn, tileOf } from './tiles.ts'

const { join: joinAs } = people({ perTest: true })

/** A person: their own browser context (own cookies), named in the lobby, in the meeting. */
const person = (name: string, room: string, screenshotLobby = false) =>
  joinAs(name, room, {
    inLobby: async (page) => {
      if (screenshotLobby) await page.screenshot({ path: join(artifacts, 'lobby.png') })
    },
  })

async function remoteAudioLive(page: Page, name: string) {
  const audio = tileOf(page, name).locator('audio')
  if ((await audio.count()) === 0) return false
  return audio
    .evaluate((audio: HTMLAudioElement) => {
      const track = (audio.srcObject as MediaStream | null)?.getAudioTracks()[0]
      return !!track && track.readyState === 'live' && !track.muted
    })
    .catch(() => false)
}

const active = (tracks: Array<{ location: string; status: string }>, location: 'local' | 'remote') =>
  tracks.filter((t) => t.location === location && t.status === 'active').length

/** A room of its own for each test, and Ada (the host: first in) and Bob in its meeting. */
let rooms = 0
const roomName = () => `e2e-${Date.now().toString(36)}-${++rooms}`
async function adaAndBob(screenshotLobby = false) {
  const room = roomName()
  const ada = await person('Ada', room, screenshotLobby)
  const bob = await person('Bob', room)
  return { room, ada, bob }
}
/** Until `page` shows `name`'s camera moving and plays their mic: everything pulled. */
async function seesAndHears(page: Page, name: string) {
  await expect.poll(() => framesIn(page, name), { timeout: 30_000 }).toBeGreaterThan(3)
  await expect.poll(() => remoteAudioLive(page, name), { timeout: 30_000 }).toBe(true)
}

describe('a meeting between two browsers', () => {
  it('shows each the other’s live video and audio', async () => {
    const { ada, bob } = await adaAndBob(true)
    for (const [page, other] of [
      [ada, 'Bob'],
      [bob, 'Ada'],
    ] as const) {
      await tileOf(page, other).waitFor()
      await expect.poll(() => framesIn(page, other), { timeout: 30_000 }).toBeGreaterThan(3)
      await expect.poll(() => remoteAudioLive(page, other), { timeout: 30_000 }).toBe(true)
    }
    await ada.screenshot({ path: join(artifacts, 'meeting-two-people.png') })
  })

  it('shows a mic turned off as muted on the other side, and lets the host (the first to join) mute you', async () => {
    const { ada, bob } = await adaAndBob()
    await ada.getByRole('button', { name: 'Mute', exact: true }).click()
    await expect.poll(() => tileOf(bob, 'Ada').getAttribute('data-muted')).toBe('true')
    await ada.getByRole('button', { name: 'Unmute', exact: true }).click()
    await expect.poll(() => tileOf(bob, 'Ada').getAttribute('data-muted')).toBe('false')

    // Bob is not the host: nobody's mic is his to turn off.
    await bob.getByRole('button', { name: 'People', exact: true }).click()
    await bob.getByTestId('participants').getByText('Host').waitFor()
    expect(await bob.getByRole('button', { name: 'Mute Ada' }).count()).toBe(0)
    await ada.getByRole('button', { name: 'People', exact: true }).click()
    await ada.getByRole('button', { name: 'Mute Bob' }).click()
    await expect.poll(() => bob.getByRole('button', { name: 'Unmute', exact: true }).count()).toBe(1)
    await expect.poll(() => tileOf(ada, 'Bob').getAttribute('data-muted')).toBe('true')
    // Muted, not silenced: Bob turns his mic back on himself.
    await bob.getByRole('button', { name: 'Unmute', exact: true }).click()
    await expect.poll(() => tileOf(ada, 'Bob').getAttribute('data-muted')).toBe('false')
  })

  it('shows a raised hand and chat on both sides', async () => {
    const { ada, bob } = await adaAndBob()
    await bob.getByRole('button', { name: 'Raise hand' }).click()
    await expect.poll(() => tileOf(ada, 'Bob').getAttribute('data-hand')).toBe('true')
    await expect.poll(() => tileOf(bob, 'Bob').getAttribute('data-hand')).toBe('true')
    await expect.poll(() => bob.getByRole('button', { name: 'Lower hand' }).count()).toBe(1)
    // The chat panel is closed when one joins: the stage has the room.
    await bob.getByRole('button', { name: 'Chat', exact: true }).click()
    await bob.getByLabel('Message').fill('hello from Bob')
    await bob.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => ada.getByTestId('chat-messages').textContent()).toContain('hello from Bob')
  })

  it('shows a shared screen as its own tile on the other side', async () => {
    const { ada, bob } = await adaAndBob()
    await ada.getByRole('button', { name: 'Share screen' }).click()
    const screen = bob.locator('[data-testid="screen-tile"][data-name="Ada"]')
    await screen.waitFor()
    await expect
      .poll(() => screen.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 15_000 })
      .toBeGreaterThan(0)
    await ada.getByRole('button', { name: 'Stop sharing' }).click()
    await expect.poll(() => screen.count()).toBe(0)
  })

  it('shows a pinned person once, large, and pulls them once', async () => {
    const { ada, bob } = await adaAndBob()
    await seesAndHears(ada, 'Bob')
    await ada.getByRole('button', { name: 'Pin Bob' }).click()
    await expect.poll(() => tileOf(ada, 'Bob').count()).toBe(1)
    await expect.poll(() => tileOf(ada, 'Bob').getAttribute('class')).toContain('large')
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 15_000 }).toBeGreaterThan(3)
    await expect.poll(() => ada.locator('audio').count()).toBe(1)
    // Once at the SFU: Ada's session pulls each of Bob's tracks (camera, mic) exactly once.
    const bobs = await sessionOf(bob)
    const adas = await sessionOf(ada)
    const pullsOfBob = async () =>
      (await tracksAtSfu(adas))
        .filter((t) => t.location === 'remote' && t.status === 'active' && t.sessionId === bobs)
        .map((t) => t.trackName)
    // Polled until both are pulled (the SFU lists a pull as active a moment after the page plays
    // it); then each is there once.
    await expect.poll(async () => new Set(await pullsOfBob()).size).toBe(2)
    expect(await pullsOfBob()).toHaveLength(2)
    await ada.getByRole('button', { name: 'Unpin Bob' }).click()
    await expect.poll(() => tileOf(ada, 'Bob').getAttribute('class')).not.toContain('large')
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 15_000 }).toBeGreaterThan(3)
  })

  it('stops pulling a camera its owner turns off, though it is still published, and pulls it again', async () => {
    const { ada, bob } = await adaAndBob()
    await seesAndHears(ada, 'Bob')
    const adas = await sessionOf(ada)
    const bobs = await sessionOf(bob)
    const pulledByAda = async () => active(await tracksAtSfu(adas), 'remote')
    const publishedByBob = async () => active(await tracksAtSfu(bobs), 'local')
    // Bob's camera and mic, published by him and pulled by Ada. Polled: seen and heard on the
    // page may come a moment before the SFU lists them as active.
    const before = 2
    await expect.poll(pulledByAda).toBe(before)
    await expect.poll(publishedByBob).toBe(2)
    await bob.getByRole('button', { name: 'Stop video' }).click()
    await expect.poll(() => tileOf(ada, 'Bob').getAttribute('data-video')).toBe('false')
    await expect.poll(pulledByAda).toBe(before - 1)
    // Bob still publishes it: it is Ada's page that let go.
    expect(await publishedByBob()).toBe(2)
    await bob.getByRole('button', { name: 'Start video' }).click()
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 15_000 }).toBeGreaterThan(3)
    await expect.poll(pulledByAda).toBe(before)
  })

  it('rejoins after a reload and sees the same state', async () => {
    const { ada, bob } = await adaAndBob()
    await bob.getByRole('button', { name: 'Chat', exact: true }).click()
    await bob.getByLabel('Message').fill('hello from Bob')
    await bob.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => ada.getByTestId('chat-messages').textContent()).toContain('hello from Bob')
    await bob.reload()
    await bob.getByRole('button', { name: 'Join', exact: true }).click()
    await tileOf(bob, 'Ada').waitFor()
    await expect.poll(() => framesIn(bob, 'Ada'), { timeout: 15_000 }).toBeGreaterThan(3)
    await expect.poll(() => bob.getByTestId('chat-messages').textContent()).toContain('hello from Bob')
  })

  it('removes the tile of someone who leaves and closes what was pulled of them at the SFU', async () => {
    const { ada, bob } = await adaAndBob()
    await seesAndHears(ada, 'Bob')
    const adaSession = await sessionOf(ada)
    const pulledFromBob = async () => active(await tracksAtSfu(adaSession), 'remote')
    // Seen and heard on the page may come a moment before the SFU lists the pull as active.
    await expect.poll(pulledFromBob).toBeGreaterThan(0)

    await bob.getByRole('button', { name: 'Leave' }).click()
    await bob.getByTestId('left').waitFor()
    await expect.poll(() => tileOf(ada, 'Bob').count()).toBe(0)
    await expect.poll(pulledFromBob).toBe(0)
  })

  it('asks the one who left how the call was, and keeps the answer', async () => {
    const { bob } = await adaAndBob()
    await bob.getByRole('button', { name: 'Leave' }).click()
    const question = bob.getByTestId('quality')
    await question.getByRole('radio', { name: 'Good' }).check()
    await question.getByLabel('Anything to add?').fill('Crisp video')
    const sent = bob.waitForResponse(
      (r) => /\/api\/rooms\/[^/]+\/quality$/.test(new URL(r.url()).pathname) && r.request().method() === 'POST',
    )
    await question.getByRole('button', { name: 'Send' }).click()
    // Thanks is shown only once the rooms Worker has stored the answer in D1 (204).
    await bob.getByTestId('quality-thanks').waitFor()
    // What was kept is what Bob chose: the rooms Worker took this answer, with its comment.
    const answer = await sent
    expect(answer.status()).toBe(204)
    expect(answer.request().postDataJSON()).toMatchObject({ rating: 4, comment: 'Crisp video' })
  })

  it('lists the room among recent rooms on the start page', async () => {
    const room = roomName()
    const bob = await person('Bob', room)
    await bob.goto(url)
    const recent = bob.getByTestId('recent-rooms')
    await recent.getByRole('link', { name: room }).waitFor()
    await recent.getByRole('button', { name: `Forget ${room}` }).click()
    await expect.poll(() => recent.getByRole('link', { name: room }).count()).toBe(0)
  })
})
