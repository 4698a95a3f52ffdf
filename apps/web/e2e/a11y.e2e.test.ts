import { describe, expect, it } from 'vitest'
import { seriousViolations } from './axe.ts'
import { people, stackUrl } from './people.ts'
import { more } from './controls.ts'

/*
 * axe-core over each page a person meets, as it is shown: no serious or critical violation.
 * Each failure names the rule and the elements, so the fix is where it points.
 */

const { newPage, join } = people()

describe('accessibility (axe-core)', () => {
  it('the start page', async () => {
    const page = await newPage('start')
    await page.goto(stackUrl)
    await page.getByRole('heading', { level: 1 }).waitFor()
    expect(await seriousViolations(page)).toEqual([])
  })

  it('the lobby', async () => {
    const page = await newPage('lobby')
    await page.goto(`${stackUrl}/r/a11y-lobby-${Date.now().toString(36)}`)
    await page.getByLabel('Your name').fill('Ada')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByRole('button', { name: 'Join', exact: true }).waitFor()
    expect(await seriousViolations(page)).toEqual([])
  })

  it('the meeting, and its report-a-problem dialog', async () => {
    const page = await join('Ada', `a11y-meeting-${Date.now().toString(36)}`)
    expect(await seriousViolations(page)).toEqual([])
    await (await more(page)).getByRole('button', { name: 'Report a problem' }).click()
    await page.getByRole('dialog').waitFor()
    expect(await seriousViolations(page)).toEqual([])
  })

  it('the meeting with each panel open, the More menu and the shortcuts dialog', async () => {
    const room = `a11y-panels-${Date.now().toString(36)}`
    const page = await join('Ada', room)
    const bob = await join('Bob', room)
    // A message Ada has not read: the Chat button carries its count.
    await bob.getByRole('button', { name: 'Chat', exact: true }).click()
    await bob.getByLabel('Message').fill('hello')
    await bob.getByRole('button', { name: 'Send' }).click()
    await page.locator('.badge').filter({ hasText: '1' }).waitFor()
    expect(await seriousViolations(page)).toEqual([])
    for (const name of ['Chat', 'People', 'Settings']) {
      await page.getByRole('button', { name, exact: true }).click()
      await page.getByRole('heading', { name: new RegExp(`^${name}`) }).waitFor()
      if (name === 'Settings') await page.getByLabel('Microphone').waitFor()
      expect(await seriousViolations(page), `with ${name} open`).toEqual([])
    }
    await more(page)
    expect(await seriousViolations(page), 'with More open').toEqual([])
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click()
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor()
    expect(await seriousViolations(page), 'with the shortcuts dialog').toEqual([])
  })
})
