import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { people } from './people.ts'
import { framesIn, tileOf } from './tiles.ts'

/*
 * A network drop on the room socket: the page reconnects with `since` and misses nothing; after
 * a drop longer than the room's presence timeout (two missed heartbeats) the room has counted
 * the person out, and the page must come back as joined with its tracks.
 */

const { join } = people()

/** Test-only: lets the test cut the page's room socket and refuse new ones until it says so. */
function cuttableRoomSocket() {
  const Native = window.WebSocket
  const w = window as unknown as { __cut: boolean; __roomSockets: WebSocket[] }
  w.__cut = false
  w.__roomSockets = []
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      const room = String(url).includes('/api/rooms/')
      // A path that answers no upgrade: the connection fails, as it would with the network down.
      super(room && w.__cut ? `${location.origin.replace(/^http/, 'ws')}/no-socket-here` : url, protocols)
      if (room) w.__roomSockets.push(this)
    }
  }
}

const person = (name: string, room: string, cuttable = false) =>
  join(name, room, { initScript: cuttable ? cuttableRoomSocket : undefined })

const cut = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __cut: boolean; __roomSockets: WebSocket[] }
    w.__cut = true
    // As a dropped network would: the page hears at once that its socket is gone (a close()
    // alone would wait for a closing handshake), and the room hears nothing more from it.
    for (const s of w.__roomSockets) {
      s.close()
      s.dispatchEvent(new CloseEvent('close', { code: 1006 }))
    }
  })
const mend = (page: Page) => page.evaluate(() => ((window as unknown as { __cut: boolean }).__cut = false))

describe('the room socket after a network drop', () => {
  const room = `e2e-drop-${Date.now().toString(36)}`
  let ada: Page
  let bob: Page

  it('catches up on what it missed during a short drop', async () => {
    ada = await person('Ada', room)
    bob = await person('Bob', room, true)
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 30_000 }).toBeGreaterThan(3)
    await cut(bob)
    // The chat panel is open by default.
    if (!(await ada.getByLabel('Message').isVisible()))
      await ada.getByRole('button', { name: 'Chat', exact: true }).click()
    await ada.getByLabel('Message').fill('said while Bob was away')
    await ada.getByRole('button', { name: 'Send' }).click()
    await mend(bob)
    await expect
      .poll(() => bob.getByTestId('chat-messages').textContent(), { timeout: 20_000 })
      .toContain('said while Bob was away')
    // And he is (still, or again) in the meeting for Ada, camera and all.
    await tileOf(ada, 'Bob').waitFor({ timeout: 20_000 })
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 20_000 }).toBeGreaterThan(3)
  })

  it('comes back, seen and heard, after a drop longer than the presence timeout', { timeout: 90_000 }, async () => {
    await cut(bob)
    // The room times Bob out; Ada's page shows him gone.
    await expect.poll(() => tileOf(ada, 'Bob').count(), { timeout: 30_000 }).toBe(0)
    await mend(bob)
    await tileOf(ada, 'Bob').waitFor({ timeout: 30_000 })
    await expect.poll(() => framesIn(ada, 'Bob'), { timeout: 30_000 }).toBeGreaterThan(3)
    await expect.poll(() => tileOf(ada, 'Bob').getAttribute('data-muted')).toBe('false')
  })
})
