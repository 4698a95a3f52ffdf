import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOpenAiRealtimePeer, type RealtimePeer } from '../../../scripts/test-support/openai-realtime-peer.ts'
import { HEARD, keepPeerConnections, loudest, micsSent } from './audio.ts'
import { artifacts, people, type PersonOptions } from './people.ts'
import { framesIn } from './tiles.ts'
import { more } from './controls.ts'

/*
 * The AI participant in two browsers against the whole stack. The stack's ai Worker points at
 * 127.0.0.1:7890 as its .dev.vars example says (local development), with the token it gives;
 * here the fake OpenAI Realtime peer answers there.
 */

const sfuApi = 'http://127.0.0.1:7880/v1/apps/tangerine-dev'
const PEER_PORT = 7890
let peer: RealtimePeer
const { join: joinAs } = people({ perTest: true })

beforeAll(async () => {
  peer = await startOpenAiRealtimePeer({ port: PEER_PORT, token: 'local-fake-openai-token' })
})
afterAll(async () => {
  await peer?.close()
})

// Join is clicked as soon as it can be, camera or not yet: that path must publish too.
// The AI's buttons are in the meeting's More menu: opened once joined, it stays open while
// nobody clicks outside it, as these tests do not.
async function person(name: string, room: string, options: PersonOptions = {}) {
  const page = await joinAs(name, room, { waitForCamera: false, ...options })
  await more(page)
  return page
}

const aiTile = (page: Page) => page.getByTestId('ai-tile')

/** Loudest RMS (0..1) of the AI's voice as this page plays it, over about a second and a half (WebAudio). */
const aiLevel = (page: Page) => loudest(page.getByTestId('ai-audio'))

const lastCall = () => peer.calls().at(-1)

/** A Calls session's tracks as the SFU has them. */
async function tracksAt(session: string) {
  const res = await fetch(`${sfuApi}/sessions/${session}`, { headers: { authorization: 'Bearer dev-secret' } })
  return (
    (await res.json()) as {
      tracks: Array<{ location: string; trackName?: string; sessionId?: string; status: string }>
    }
  ).tracks
}

/** Where a mic copy the AI pulls is published: its session and track name. */
type Fed = { sessionId: string; trackName: string }

/** The copy of a mic the AI's session (its tile names it) pulls at the SFU, if it pulls one. */
async function fedTrack(page: Page): Promise<Fed | undefined> {
  const session = await aiTile(page).getAttribute('data-session')
  const pulled = (await tracksAt(session!)).find((t) => t.location === 'remote' && t.status === 'active')
  return pulled && { sessionId: pulled.sessionId!, trackName: pulled.trackName! }
}

/**
 * The copy the AI pulls, once it pulls one. Polled: the SFU lists a pull as active once its
 * renegotiation is done, which may be a moment after the page shows who has the AI.
 */
async function fedCopy(page: Page): Promise<Fed> {
  let fed: Fed | undefined
  await expect
    .poll(async () => (fed = await fedTrack(page)))
    .toMatchObject({ sessionId: expect.any(String), trackName: expect.any(String) })
  return fed!
}

/** The status of that copy where it is published (in the talker's own session). */
const statusOf = async ({ sessionId, trackName }: Fed) =>
  (await tracksAt(sessionId)).find((t) => t.location === 'local' && t.trackName === trackName)?.status

/** Packets the fake OpenAI peer received on its latest call over `ms`. */
async function heardOver(ms: number) {
  const before = lastCall()?.packetsReceived ?? 0
  await new Promise((r) => setTimeout(r, ms))
  return (lastCall()?.packetsReceived ?? 0) - before
}

/** A room of its own for each test, with Ada and Bob in its meeting: not end-to-end encrypted, or the AI could not come. */
let rooms = 0
async function adaAndBob(options: PersonOptions = {}) {
  const room = `e2e-ai-${Date.now().toString(36)}-${++rooms}`
  return { ada: await person('Ada', room, { e2ee: false, ...options }), bob: await person('Bob', room) }
}

/** Ada invites the AI; both pages see it joined. */
async function invite(ada: Page, bob: Page, instructions = 'You are a terse assistant.', voice = 'verse') {
  await ada.getByRole('button', { name: 'Invite AI' }).click()
  await ada.getByLabel('Instructions').fill(instructions)
  await ada.getByLabel('Voice').selectOption(voice)
  await ada.getByRole('button', { name: 'Invite', exact: true }).click()
  for (const page of [ada, bob]) {
    await expect.poll(() => aiTile(page).getAttribute('data-state'), { timeout: 30_000 }).toBe('joined')
  }
}

/** Ada and Bob with the AI in their meeting. */
async function withAi(options: PersonOptions = {}) {
  const { ada, bob } = await adaAndBob(options)
  await invite(ada, bob)
  return { ada, bob }
}

describe('the AI participant in a meeting of two', () => {
  it('is invited with instructions and a voice, and both pages hear it', async () => {
    const { ada, bob } = await adaAndBob()
    await invite(ada, bob)
    expect(lastCall()).toMatchObject({
      model: 'gpt-realtime',
      voice: 'verse',
      instructions: 'You are a terse assistant.',
    })
    for (const page of [ada, bob]) {
      await expect.poll(() => aiLevel(page), { timeout: 30_000 }).toBeGreaterThan(HEARD)
    }
    await ada.screenshot({ path: join(artifacts, 'ai-joined.png') })
  })

  it('hears only the person holding push-to-talk, one at a time, and stops on release', async () => {
    const { ada, bob } = await withAi()
    // Nobody holds it yet: the AI is connected (so a mic fed to it would arrive) and pulls none.
    await expect.poll(() => lastCall()?.connectionState).toBe('connected')
    expect(await fedTrack(ada)).toBeUndefined()
    expect(await heardOver(1000)).toBe(0)
    await ada.getByRole('button', { name: 'Talk to AI' }).click()
    // Taking control publishes a copy of the mic (a renegotiation) and has the AI pull it.
    await expect
      .poll(() => ada.getByRole('button', { name: 'Stop talking to AI' }).getAttribute('aria-pressed'), {
        timeout: 15_000,
      })
      .toBe('true')
    // Everyone sees who has the AI; nobody else can take it meanwhile.
    await expect.poll(() => aiTile(bob).getAttribute('data-controller')).not.toBe('')
    await expect.poll(() => bob.getByRole('button', { name: 'Talk to AI' }).isDisabled()).toBe(true)
    await expect.poll(() => heardOver(1000), { timeout: 20_000 }).toBeGreaterThan(10)
    // What the AI's session pulls is Ada's copy of her mic, published in her own session.
    const fed = await fedCopy(ada)
    await expect.poll(() => statusOf(fed)).toBe('active')

    await ada.getByRole('button', { name: 'Stop talking to AI' }).click()
    await expect.poll(() => aiTile(bob).getAttribute('data-controller')).toBe('')
    await expect.poll(() => heardOver(1000)).toBe(0)
    // Released means closed at the SFU, not only unheard: the copy is no longer published.
    await expect.poll(() => statusOf(fed)).toBe('inactive')
    await expect.poll(() => bob.getByRole('button', { name: 'Talk to AI' }).isEnabled()).toBe(true)
  })

  it('is dismissed: the tile goes on both pages and the SFU closes its tracks', async () => {
    const { ada, bob } = await withAi()
    const session = (await aiTile(ada).getAttribute('data-session'))!
    const tracksAtSfu = async () => {
      const res = await fetch(`${sfuApi}/sessions/${session}`, { headers: { authorization: 'Bearer dev-secret' } })
      return ((await res.json()) as { tracks: Array<{ trackName?: string; status: string }> }).tracks
    }
    // Polled: the tile shows once the room records the AI, a moment before its ICE is up at the
    // SFU (until then the track is 'initializing'); dismissing must find it active.
    await expect
      .poll(tracksAtSfu)
      .toContainEqual(expect.objectContaining({ trackName: 'ai-generated-voice', status: 'active' }))
    await bob.getByRole('button', { name: 'Dismiss AI' }).click()
    for (const page of [ada, bob]) await expect.poll(() => aiTile(page).count()).toBe(0)
    // Polled: the tiles go when the room records the dismissal, which need not wait for the SFU.
    await expect.poll(async () => (await tracksAtSfu()).filter((t) => t.status !== 'inactive')).toEqual([])
    expect(await tracksAtSfu()).toContainEqual(
      expect.objectContaining({ trackName: 'ai-generated-voice', status: 'inactive' }),
    )
    await expect.poll(() => ada.getByRole('button', { name: 'Invite AI' }).count()).toBe(1)
    // The AI came and went, and a mic was fed to it: the people still see each other.
    await expect.poll(() => framesIn(bob, 'Ada'), { timeout: 30_000 }).toBeGreaterThan(3)
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 30_000 }).toBeGreaterThan(3)
  })

  it('shows everyone a clear error when the endpoint fails, and lets them invite again', async () => {
    const { ada, bob } = await adaAndBob()
    peer.setMode('500')
    try {
      await ada.getByRole('button', { name: 'Invite AI' }).click()
      await ada.getByRole('button', { name: 'Invite', exact: true }).click()
      for (const page of [ada, bob]) {
        await expect.poll(() => aiTile(page).getAttribute('data-state'), { timeout: 20_000 }).toBe('error')
        await expect.poll(() => page.getByTestId('ai-error').textContent()).toMatch(/answered 500/)
      }
      await bob.screenshot({ path: join(artifacts, 'ai-error.png') })
    } finally {
      peer.setMode('ok')
    }
  })

  it('hears someone while they hold Talk to AI, their mic copy live, and nothing once they let go', async () => {
    const { ada, bob } = await withAi({ initScript: keepPeerConnections })
    const talk = ada.getByRole('button', { name: /^(Talk to AI|Stop talking to AI)$/ })
    await expect.poll(() => micsSent(ada)).toEqual([{ live: true, enabled: true }])
    await talk.hover()
    await ada.mouse.down()
    await expect.poll(() => talk.getAttribute('aria-pressed'), { timeout: 15_000 }).toBe('true')
    // Held: a second, live copy of the mic goes out, and the AI hears it.
    await expect
      .poll(() => micsSent(ada))
      .toEqual([
        { live: true, enabled: true },
        { live: true, enabled: true },
      ])
    await expect.poll(() => aiTile(bob).getAttribute('data-controller')).not.toBe('')
    await expect.poll(() => heardOver(1000), { timeout: 20_000 }).toBeGreaterThan(10)
    const fed = await fedCopy(ada)
    await expect.poll(() => statusOf(fed)).toBe('active')

    await ada.mouse.up()
    await expect.poll(() => talk.getAttribute('aria-pressed')).toBe('false')
    await expect.poll(() => aiTile(bob).getAttribute('data-controller')).toBe('')
    // Let go: the copy is stopped (the room's mic goes on), and the AI hears nothing more.
    await expect.poll(async () => (await micsSent(ada)).filter((m) => m.live)).toEqual([{ live: true, enabled: true }])
    await expect.poll(() => heardOver(1000)).toBe(0)
    // Released means closed at the SFU too, not only stopped on the page.
    await expect.poll(() => statusOf(fed)).toBe('inactive')
  })

  it('has Talk to AI in the control bar while it is here, with a shortcut the help dialog lists', async () => {
    const { ada, bob } = await adaAndBob()
    const bar = ada.getByRole('navigation', { name: 'Meeting controls' })
    expect(await bar.getByRole('button', { name: 'Talk to AI' }).count()).toBe(0)
    await invite(ada, bob)
    // The More menu closed, as it is most of a meeting: the button is in the bar, in sight.
    await ada.keyboard.press('Escape')
    await ada.locator('#more-menu').waitFor({ state: 'hidden' })
    const talk = bar.getByRole('button', { name: 'Talk to AI' })
    await talk.waitFor()
    expect(await talk.getAttribute('aria-keyshortcuts')).toBe('Control+Alt+A')
    await ada.keyboard.press('Control+Alt+KeyA')
    await expect
      .poll(() => bar.getByRole('button', { name: 'Stop talking to AI' }).getAttribute('aria-pressed'), {
        timeout: 15_000,
      })
      .toBe('true')
    await expect.poll(() => aiTile(bob).getAttribute('data-controller')).not.toBe('')
    await ada.screenshot({ path: join(artifacts, 'ai-talk-in-bar.png') })
    await ada.keyboard.press('Control+Alt+KeyA')
    await expect.poll(() => aiTile(bob).getAttribute('data-controller')).toBe('')
    await ada.keyboard.press('?')
    await ada
      .getByTestId('shortcuts-dialog')
      .getByRole('row', { name: /Talk to the AI/ })
      .getByText('Ctrl+Alt+A')
      .waitFor()
  })
})
