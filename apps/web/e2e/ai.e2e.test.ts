import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOpenAiRealtimePeer, type RealtimePeer } from '../../../scripts/test-support/openai-realtime-peer.ts'
import { artifacts, people } from './people.ts'
import { framesIn } from './tiles.ts'

/*
 * The AI participant in two browsers against the whole stack. The stack's ai Worker points at
 * 127.0.0.1:7890 by default (services/ai/wrangler.jsonc) with the token of its .dev.vars example;
 * here the fake OpenAI Realtime peer answers there.
 */

const sfuApi = 'http://127.0.0.1:7880/v1/apps/tangerine-dev'
const PEER_PORT = 7890
let peer: RealtimePeer
const { join: joinAs } = people()

beforeAll(async () => {
  peer = await startOpenAiRealtimePeer({ port: PEER_PORT, token: 'local-fake-openai-token' })
})
afterAll(async () => {
  await peer?.close()
})

// Join is clicked as soon as it can be, camera or not yet: that path must publish too.
const person = (name: string, room: string) => joinAs(name, room, { waitForCamera: false })

const aiTile = (page: Page) => page.getByTestId('ai-tile')

/** Loudest RMS (0..1) of the AI's voice as this page plays it, over about a second (WebAudio). */
async function aiLevel(page: Page): Promise<number> {
  const audio = page.getByTestId('ai-audio')
  if ((await audio.count()) === 0) return 0
  return audio.evaluate(async (el: HTMLAudioElement) => {
    const stream = el.srcObject as MediaStream | null
    if (!stream || stream.getAudioTracks().length === 0) return 0
    const context = new AudioContext()
    await context.resume()
    const analyser = context.createAnalyser()
    analyser.fftSize = 2048
    context.createMediaStreamSource(stream).connect(analyser)
    const samples = new Float32Array(analyser.fftSize)
    let loudest = 0
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100))
      analyser.getFloatTimeDomainData(samples)
      let sum = 0
      for (const s of samples) sum += s * s
      loudest = Math.max(loudest, Math.sqrt(sum / samples.length))
    }
    await context.close()
    return loudest
  })
}

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

/** Packets the fake OpenAI peer received on its latest call over `ms`. */
async function heardOver(ms: number) {
  const before = lastCall()?.packetsReceived ?? 0
  await new Promise((r) => setTimeout(r, ms))
  return (lastCall()?.packetsReceived ?? 0) - before
}

describe('the AI participant in a meeting of two', () => {
  const room = `e2e-ai-${Date.now().toString(36)}`
  let ada: Page
  let bob: Page

  it('is invited with instructions and a voice, and both pages hear it', async () => {
    ada = await person('Ada', room)
    bob = await person('Bob', room)
    await ada.getByRole('button', { name: 'Invite AI' }).click()
    await ada.getByLabel('Instructions').fill('You are a terse assistant.')
    await ada.getByLabel('Voice').selectOption('verse')
    await ada.getByRole('button', { name: 'Invite', exact: true }).click()

    for (const page of [ada, bob]) {
      await expect.poll(() => aiTile(page).getAttribute('data-state'), { timeout: 30_000 }).toBe('joined')
    }
    expect(lastCall()).toMatchObject({ shape: 'ga', voice: 'verse', instructions: 'You are a terse assistant.' })
    for (const page of [ada, bob]) {
      await expect.poll(() => aiLevel(page), { timeout: 30_000 }).toBeGreaterThan(0.01)
    }
    await ada.screenshot({ path: join(artifacts, 'ai-joined.png') })
  })

  it('hears only the person holding push-to-talk, one at a time, and stops on release', async () => {
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
    const fed = (await tracksAt((await aiTile(ada).getAttribute('data-session'))!)).find(
      (t) => t.location === 'remote' && t.status === 'active',
    )
    expect(fed).toMatchObject({ sessionId: expect.any(String), trackName: expect.any(String) })
    const copy = async () =>
      (await tracksAt(fed!.sessionId!)).find((t) => t.location === 'local' && t.trackName === fed!.trackName)?.status
    expect(await copy()).toBe('active')

    await ada.getByRole('button', { name: 'Stop talking to AI' }).click()
    await expect.poll(() => aiTile(bob).getAttribute('data-controller'), { timeout: 10_000 }).toBe('')
    await expect.poll(() => heardOver(1000), { timeout: 10_000 }).toBe(0)
    // Released means closed at the SFU, not only unheard: the copy is no longer published.
    await expect.poll(copy, { timeout: 10_000 }).toBe('inactive')
    await expect.poll(() => bob.getByRole('button', { name: 'Talk to AI' }).isEnabled()).toBe(true)
  })

  it('is dismissed: the tile goes on both pages and the SFU closes its tracks', async () => {
    const session = (await aiTile(ada).getAttribute('data-session'))!
    const tracksAtSfu = async () => {
      const res = await fetch(`${sfuApi}/sessions/${session}`, { headers: { authorization: 'Bearer dev-secret' } })
      return ((await res.json()) as { tracks: Array<{ trackName?: string; status: string }> }).tracks
    }
    expect(await tracksAtSfu()).toContainEqual(
      expect.objectContaining({ trackName: 'ai-generated-voice', status: 'active' }),
    )
    await bob.getByRole('button', { name: 'Dismiss AI' }).click()
    for (const page of [ada, bob]) await expect.poll(() => aiTile(page).count(), { timeout: 10_000 }).toBe(0)
    expect((await tracksAtSfu()).every((t) => t.status === 'inactive')).toBe(true)
    await expect.poll(() => ada.getByRole('button', { name: 'Invite AI' }).count()).toBe(1)
    // The AI came and went, and a mic was fed to it: the people still see each other.
    await expect.poll(() => framesIn(bob, 'Ada'), { timeout: 10_000 }).toBeGreaterThan(3)
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 10_000 }).toBeGreaterThan(3)
  })

  it('shows everyone a clear error when the endpoint fails, and lets them invite again', async () => {
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
})
