import { join } from 'node:path'
import { AI_REFUSED_IN_E2EE } from '@tangerine/contracts/ai/api'
import type { Page } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { isEvent, isState, outsider, roomSocket, tab, type RawSocket } from './attacks/outsider.ts'
import { artifacts, people, stackUrl } from './people.ts'
import { more } from './controls.ts'

/*
 * End-to-end encryption as the lobby shows it: the host's choice before a meeting opens, whether a
 * meeting under way is encrypted, who cannot join one, and the AI an encrypted meeting refuses.
 */

const { join: joinAs, newPage } = people({ perTest: true })
const roomName = (what: string) => `e2e-e2ee-${what}-${Date.now().toString(36)}`
const sockets: RawSocket[] = []
afterAll(() => sockets.forEach((s) => s.close()))

/** Test instrumentation, run before the app: a browser without encoded transforms. */
function withoutScriptTransform() {
  delete (window as unknown as { RTCRtpScriptTransform?: unknown }).RTCRtpScriptTransform
  // Chromium's pre-standard API would do instead (src/lib/e2ee/support.ts): gone too.
  delete (RTCRtpSender.prototype as { createEncodedStreams?: unknown }).createEncodedStreams
}

/** A page in the lobby of `room`, named, once the room has answered. */
async function inLobby(name: string, room: string, initScript?: () => void) {
  const page = await newPage(name, initScript)
  await page.goto(`${stackUrl}/r/${room}`)
  await page.getByLabel('Your name').fill(name)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByRole('button', { name: /^(Join|Cannot join)$/ }).waitFor()
  return page
}

/** A meeting in `room` opened by a program, encrypted or not as it says (the room trusts the opener). */
async function openedBy(room: string, e2ee: boolean) {
  const who = await outsider('Opener')
  const id = `${who.key}${tab()}`
  const socket = await roomSocket(room, who, id)
  sockets.push(socket)
  await socket.next(isState)
  socket.send({ type: 'userUpdate', user: { joined: true }, e2ee })
  await socket.next(isEvent('MeetingStarted'))
}

const status = (page: Page) => page.getByTestId('lobby-e2ee')
const toggle = (page: Page) => page.getByRole('switch', { name: 'End-to-end encryption' })

describe('the host’s choice of end-to-end encryption', () => {
  it('is offered before a meeting opens, and what the opener’s page can keep is what the others see', async () => {
    const room = roomName('choice')
    const ada = await inLobby('Ada', room)
    await toggle(ada).waitFor()
    // On by default where the page can encrypt.
    expect(await toggle(ada).isChecked()).toBe(true)
    expect(await toggle(ada).isDisabled()).toBe(false)
    await ada.screenshot({ path: join(artifacts, 'lobby-e2ee-choice.png') })

    await ada.getByRole('button', { name: 'Join', exact: true }).click()
    const bob = await inLobby('Bob', room)
    await expect.poll(() => status(bob).getAttribute('data-e2ee')).toBe('true')
    // Once the meeting is under way, its encryption is fixed: no choice is offered.
    expect(await toggle(bob).count()).toBe(0)
  })

  it('opens the meeting unencrypted when the host turns it off', async () => {
    const room = roomName('off')
    await joinAs('Ada', room, { inLobby: (page) => toggle(page).uncheck() })
    const bob = await inLobby('Bob', room)
    await expect.poll(() => status(bob).getAttribute('data-e2ee')).toBe('false')
    expect(await status(bob).textContent()).toContain('not end-to-end encrypted')
  })

  it('is neither offered nor sent where the browser has no encoded transforms', async () => {
    const room = roomName('unsupported')
    const ada = await inLobby('Ada', room, withoutScriptTransform)
    await toggle(ada).waitFor()
    expect(await toggle(ada).isChecked()).toBe(false)
    expect(await toggle(ada).isDisabled()).toBe(true)
    expect(await ada.getByTestId('e2ee-why').textContent()).toContain('no encoded transforms')
    await ada.getByRole('button', { name: 'Join', exact: true }).click()
    const bob = await inLobby('Bob', room)
    await expect.poll(() => status(bob).getAttribute('data-e2ee')).toBe('false')
  })
})

describe('a meeting under way, seen from the lobby', () => {
  it('says it is end-to-end encrypted, and a browser that cannot encrypt may not join it', async () => {
    const room = roomName('encrypted')
    await openedBy(room, true)
    const bob = await inLobby('Bob', room)
    await expect.poll(() => status(bob).getAttribute('data-e2ee')).toBe('true')
    expect(await status(bob).textContent()).toContain('This meeting is end-to-end encrypted')
    expect(await bob.getByRole('button', { name: 'Join', exact: true }).isEnabled()).toBe(true)

    const carol = await inLobby('Carol', room, withoutScriptTransform)
    await expect.poll(() => status(carol).getAttribute('data-e2ee')).toBe('true')
    const cannot = carol.getByRole('button', { name: 'Cannot join' })
    await cannot.waitFor()
    expect(await cannot.isDisabled()).toBe(true)
    expect(await carol.getByTestId('e2ee-cannot-join').textContent()).toContain(
      'cannot join this end-to-end encrypted meeting',
    )
    await carol.screenshot({ path: join(artifacts, 'lobby-e2ee-cannot-join.png') })
  })

  it('says an unencrypted one is not, and lets that browser join it', async () => {
    const room = roomName('plain')
    await openedBy(room, false)
    const carol = await inLobby('Carol', room, withoutScriptTransform)
    await expect.poll(() => status(carol).getAttribute('data-e2ee')).toBe('false')
    expect(await status(carol).textContent()).toContain('This meeting is not end-to-end encrypted')
    expect(await carol.getByTestId('e2ee-cannot-join').count()).toBe(0)
    await carol.getByRole('button', { name: 'Join', exact: true }).click()
    await carol.getByRole('navigation', { name: 'Meeting controls' }).waitFor()
    // The AI may come into this one.
    expect(await (await more(carol)).getByRole('button', { name: 'Invite AI' }).isEnabled()).toBe(true)
  })
})

describe('the AI in an end-to-end encrypted meeting', () => {
  it('cannot be invited, and the button says why', async () => {
    const room = roomName('ai')
    await openedBy(room, true)
    const bob = await joinAs('Bob', room, { waitForCamera: false })
    const invite = (await more(bob)).getByRole('button', { name: 'Invite AI' })
    await invite.waitFor()
    expect(await invite.isDisabled()).toBe(true)
    expect(await bob.getByTestId('ai-refused-why').textContent()).toBe(AI_REFUSED_IN_E2EE)
    expect(await invite.getAttribute('title')).toBe(AI_REFUSED_IN_E2EE)
    await bob.screenshot({ path: join(artifacts, 'ai-refused-e2ee.png') })
  })
})
