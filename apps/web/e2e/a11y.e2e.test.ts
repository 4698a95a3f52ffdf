import { describe, expect, it } from 'vitest'
import { seriousViolations } from './axe.ts'
import { people, stackUrl } from './people.ts'

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
    await page.getByRole('button', { name: 'Report a problem' }).click()
    await page.getByRole('dialog').waitFor()
    expect(await seriousViolations(page)).toEqual([])
  })
})
