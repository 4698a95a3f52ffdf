import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { artifacts, people, stackUrl } from './people.ts'
import { more } from './controls.ts'

/* What the meeting tells a person besides the tiles: who came and went, and its link to share. */

const { join: joinAs, newPage } = people({ perTest: true })
const roomName = (what: string) => `e2e-ui-${what}-${Date.now().toString(36)}`

describe('the meeting page', () => {
  it('says who joined and who left', async () => {
    const room = roomName('toasts')
    const ada = await joinAs('Ada', room)
    const bob = await joinAs('Bob', room)
    await ada
      .getByRole('listitem')
      .filter({ hasText: /^Bob joined$/ })
      .waitFor()
    await ada.screenshot({ path: join(artifacts, 'toast-joined.png') })
    // Once out of the meeting Bob's page has no business with the SFU (the media Worker would refuse
    // him): it ends its Calls connection rather than closing its tracks one by one.
    const callsAfterLeaving: string[] = []
    bob.on('request', (req) => {
      if (req.url().includes('/api/partytracks/'))
        callsAfterLeaving.push(`${req.method()} ${new URL(req.url()).pathname}`)
    })
    callsAfterLeaving.length = 0
    await bob.getByRole('button', { name: 'Leave' }).click()
    await ada
      .getByRole('listitem')
      .filter({ hasText: /^Bob left$/ })
      .waitFor()
    await bob.getByRole('heading', { name: 'You left the meeting' }).waitFor()
    await bob.waitForTimeout(1000)
    expect(callsAfterLeaving).toEqual([])
  })

  it('copies the room’s link, which brings someone else to the same meeting', async () => {
    const room = roomName('link')
    const ada = await joinAs('Ada', room, { permissions: ['clipboard-read', 'clipboard-write'] })
    const menu = await more(ada)
    await menu.getByRole('button', { name: 'Copy link' }).click()
    await menu.getByRole('button', { name: 'Link copied' }).waitFor()
    const link = await ada.evaluate(() => navigator.clipboard.readText())
    expect(link).toBe(`${stackUrl}/r/${room}`)

    const bob = await newPage('Bob')
    await bob.goto(link)
    await bob.getByLabel('Your name').fill('Bob')
    await bob.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => bob.getByTestId('already-here').textContent()).toBe('In the meeting: Ada')
  })
})
