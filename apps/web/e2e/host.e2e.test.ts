import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { artifacts, people, stackUrl } from './people.ts'
import { tileOf } from './tiles.ts'
import { more } from './controls.ts'

/*
 * The host's controls between browsers: the first to join hosts; they mute a guest (who is told
 * who did it), lock the meeting against a newcomer, and end it for everyone.
 */

const { join: joinAs, newPage } = people({ perTest: true })

/** A room of its own for each test: Ada joins first (and hosts), then Bob. */
let rooms = 0
async function adaHostsBob() {
  const room = `host-${Date.now().toString(36)}-${++rooms}`
  const ada = await joinAs('Ada', room)
  const bob = await joinAs('Bob', room)
  await tileOf(bob, 'Ada').waitFor()
  return { room, ada, bob }
}

describe('a meeting with a host', () => {
  it('shows who hosts: the first to join', async () => {
    const { ada, bob } = await adaHostsBob()
    await tileOf(bob, 'Ada').getByTestId('host-badge').waitFor()
    // Bob's tile is there on Ada's page (so the badge would be), without one.
    await tileOf(ada, 'Bob').waitFor()
    expect(await tileOf(ada, 'Bob').getByTestId('host-badge').count()).toBe(0)
    // Only the host has the meeting's controls.
    await (await more(ada)).getByRole('button', { name: 'Lock meeting' }).waitFor()
    // Bob's menu is open (so the button would be), without it.
    await (await more(bob)).getByRole('button', { name: 'Copy link' }).waitFor()
    expect(await bob.getByRole('button', { name: 'Lock meeting' }).count()).toBe(0)
  })

  it('lets the host mute a guest, who sees who muted them and may unmute', async () => {
    const { ada, bob } = await adaHostsBob()
    await ada.getByRole('button', { name: 'People', exact: true }).click()
    await ada.getByRole('button', { name: 'Mute Bob' }).click()
    await bob.getByText('You were muted by Ada').waitFor()
    await bob.getByRole('button', { name: 'Unmute', exact: true }).waitFor()
    await bob.screenshot({ path: join(artifacts, 'host-muted-guest.png') })
    await expect.poll(() => tileOf(ada, 'Bob').getAttribute('data-muted')).toBe('true')
    // A guest has no host controls over the host.
    await bob.getByRole('button', { name: 'People', exact: true }).click()
    // The list is open (so the buttons would be), without them.
    await bob.getByTestId('participants').getByText('Host').waitFor()
    expect(await bob.getByRole('button', { name: 'Mute Ada' }).count()).toBe(0)
    expect(await bob.getByRole('button', { name: 'Remove Ada' }).count()).toBe(0)
    await ada.screenshot({ path: join(artifacts, 'host-view.png') })
  })

  it('lets the host lock the meeting: a newcomer sees it is locked and cannot join', async () => {
    const { room, ada, bob } = await adaHostsBob()
    await (await more(ada)).getByRole('button', { name: 'Lock meeting' }).click()
    await bob.getByTestId('locked').waitFor()
    const cy = await newPage('Cy')
    await cy.goto(`${stackUrl}/r/${room}`)
    await cy.getByLabel('Your name').fill('Cy')
    await cy.getByRole('button', { name: 'Continue' }).click()
    await cy.getByTestId('lobby-locked').waitFor()
    await expect.poll(() => cy.getByRole('button', { name: 'Join', exact: true }).isDisabled()).toBe(true)
    await cy.screenshot({ path: join(artifacts, 'lobby-locked.png'), fullPage: true })
  })

  it('lets the host end the meeting for everyone', async () => {
    const { ada, bob } = await adaHostsBob()
    await (await more(ada)).getByRole('button', { name: 'End for all' }).click()
    await ada.getByRole('button', { name: 'Really end for all?' }).click()
    await bob.getByTestId('ended').waitFor()
    await expect.poll(() => bob.getByTestId('ended').textContent()).toContain('Ada (the host) ended the meeting')
    await ada.getByTestId('ended').waitFor()
    await bob.screenshot({ path: join(artifacts, 'meeting-ended-by-host.png') })
  })
})
