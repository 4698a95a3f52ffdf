import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { HEARD, keepPeerConnections, levelOf } from './audio.ts'
import { artifacts, people } from './people.ts'
import { framesIn } from './tiles.ts'

/*
 * End-to-end encrypted meetings in real Chromium: everyone's media goes through the E2EE
 * worker's transforms, keys come from the meeting's MLS group, and the lock in the header shows
 * the safety number people compare aloud.
 */

const { join: joinAs } = people({ perTest: true })
const roomName = (what: string) => `e2e-e2ee-${what}-${Date.now().toString(36)}`

const lockState = (page: Page) => page.getByTestId('e2ee-lock').getAttribute('data-state')
const safetyNumber = async (page: Page) =>
  (await lockState(page)) === 'active' ? page.getByTestId('safety-number').textContent() : undefined

/** Waits until every page shows the lock active with one safety number (other than `not`), and returns it. */
async function sameSafetyNumber(pages: Page[], not: (string | undefined)[] = []): Promise<string> {
  let numbers: (string | null | undefined)[] = []
  await expect
    .poll(
      async () => {
        numbers = await Promise.all(pages.map(safetyNumber))
        const [first] = numbers
        return !!first && numbers.every((n) => n === first) && !not.includes(first)
      },
      { timeout: 45_000 },
    )
    .toBe(true)
    .catch((err: unknown) => {
      throw new Error(`safety numbers shown: ${JSON.stringify(numbers)} (not: ${JSON.stringify(not)})`, { cause: err })
    })
  return numbers[0]!
}

/** Whether `viewer` sees and hears `name` (frames presented, audio above the fake mic's floor). */
async function seesAndHears(viewer: Page, name: string) {
  await expect.poll(() => framesIn(viewer, name), { timeout: 30_000 }).toBeGreaterThan(3)
  await expect.poll(() => levelOf(viewer, name), { timeout: 30_000 }).toBeGreaterThan(HEARD)
}

/** What this page sends (needs `keepPeerConnections`): each live sender's kind, codec and whether it has a transform. */
const sending = (page: Page) =>
  page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter(
      (pc) => pc.connectionState !== 'closed',
    )
    const out: { kind: string; codec?: string; transform: boolean }[] = []
    for (const pc of pcs) {
      const stats = [...(await pc.getStats()).values()]
      for (const sender of pc.getSenders()) {
        if (!sender.track) continue
        const rtp = stats.find((s) => s.type === 'outbound-rtp' && s.kind === sender.track!.kind && s.codecId)
        const codec = stats.find((s) => s.id === rtp?.codecId)?.mimeType as string | undefined
        out.push({ kind: sender.track.kind, codec, transform: !!sender.transform })
      }
    }
    return out
  })

/** Makes this page a browser with only the pre-standard API (run before the app). */
function withoutScriptTransform() {
  delete (window as { RTCRtpScriptTransform?: unknown }).RTCRtpScriptTransform
}

/** Makes this page a browser without encoded transforms (run before the app). */
function withoutEncodedTransforms() {
  delete (window as { RTCRtpScriptTransform?: unknown }).RTCRtpScriptTransform
  delete (RTCRtpSender.prototype as { createEncodedStreams?: unknown }).createEncodedStreams
}

describe('an end-to-end encrypted meeting', () => {
  it('three people see and hear each other and show one safety number, which changes as people come and go', async () => {
    const room = roomName('three')
    const ada = await joinAs('Ada', room, { initScript: keepPeerConnections })
    const alone = await sameSafetyNumber([ada])
    expect(alone).toMatch(/^\d{5}( \d{5}){5}$/)
    await expect(ada.getByTestId('e2ee-lock-icon').getAttribute('aria-label')).resolves.toBe('End-to-end encrypted')

    const bob = await joinAs('Bob', room)
    const two = await sameSafetyNumber([ada, bob], [alone])
    await seesAndHears(bob, 'Ada')
    await seesAndHears(ada, 'Bob')
    // Ada's camera and mic go out through the worker's transforms, the camera as VP8.
    await expect
      .poll(() => sending(ada))
      .toEqual(
        expect.arrayContaining([
          { kind: 'audio', codec: 'audio/opus', transform: true },
          { kind: 'video', codec: 'video/VP8', transform: true },
        ]),
      )
    expect((await sending(ada)).every((s) => s.transform)).toBe(true)

    const carol = await joinAs('Carol', room)
    const three = await sameSafetyNumber([ada, bob, carol], [alone, two])
    await seesAndHears(carol, 'Ada')
    await seesAndHears(carol, 'Bob')
    await seesAndHears(ada, 'Carol')
    await carol.screenshot({ path: join(artifacts, 'e2ee-three.png') })

    await carol.getByRole('button', { name: 'Leave' }).click()
    await sameSafetyNumber([ada, bob], [alone, two, three])
    // Media goes on under the new epoch's keys.
    await seesAndHears(ada, 'Bob')
    await seesAndHears(bob, 'Ada')
  }, 180_000)

  it('brings two people who click Join in the same instant into one epoch with the host', async () => {
    const room = roomName('together')
    const ada = await joinAs('Ada', room)
    const alone = await sameSafetyNumber([ada])
    // Both wait in the lobby until the other is there too, then click at once.
    let arrived = 0
    let go: () => void = () => {}
    const bothThere = new Promise<void>((resolve) => (go = resolve))
    const atOnce = async () => {
      if (++arrived === 2) go()
      await bothThere
    }
    const [bob, carol] = await Promise.all(['Bob', 'Carol'].map((name) => joinAs(name, room, { inLobby: atOnce })))
    await sameSafetyNumber([ada, bob!, carol!], [alone])
    await seesAndHears(bob!, 'Carol')
    await seesAndHears(carol!, 'Bob')
  }, 150_000)

  it('rekeys when the host removes someone, and the others go on seeing and hearing each other', async () => {
    const room = roomName('removed')
    const ada = await joinAs('Ada', room)
    const bob = await joinAs('Bob', room)
    const carol = await joinAs('Carol', room)
    const before = await sameSafetyNumber([ada, bob, carol])
    await ada.getByRole('button', { name: 'People', exact: true }).click()
    await ada.getByRole('button', { name: 'Remove Carol' }).click()
    await carol.getByTestId('removed').waitFor()
    await sameSafetyNumber([ada, bob], [before])
    await seesAndHears(ada, 'Bob')
    await seesAndHears(bob, 'Ada')
  }, 150_000)

  it("works through Chromium's createEncodedStreams where RTCRtpScriptTransform is absent", async () => {
    // partytracks makes its peer connections without `encodedInsertableStreams`; current Chromium
    // lets the fallback run without it, on transceivers that have not sent yet.
    const room = roomName('fallback')
    const ada = await joinAs('Ada', room, { initScript: withoutScriptTransform })
    const bob = await joinAs('Bob', room, { initScript: withoutScriptTransform })
    await sameSafetyNumber([ada, bob])
    await seesAndHears(bob, 'Ada')
    await seesAndHears(ada, 'Bob')
  }, 120_000)

  it('says why a meeting is not end-to-end encrypted', async () => {
    const room = roomName('why-not')
    // A browser that cannot encrypt opens the meeting without E2EE.
    const ada = await joinAs('Ada', room, { initScript: withoutEncodedTransforms })
    await expect.poll(() => lockState(ada)).toBe('off')
    await expect(ada.getByTestId('e2ee-lock-why').textContent()).resolves.toBe(
      'This meeting was opened without end-to-end encryption',
    )
    await expect(ada.getByTestId('e2ee-lock-icon').getAttribute('aria-label')).resolves.toBe('Not end-to-end encrypted')
  })
})
