import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { artifacts, people, stackUrl as url } from './people.ts'

const { newPage } = people()
let page: Page

beforeAll(async () => {
  page = await newPage('visitor')
})

describe('landing page, served through the gateway', () => {
  it('shows every service up, as reported through the bindings', async () => {
    await page.goto(url)
    const panel = page.getByTestId('health')
    await expect.poll(() => panel.getAttribute('data-status')).toBe('ok')
    for (const service of ['gateway', 'rooms', 'media', 'ai', 'feedback', 'web']) {
      expect(await panel.locator(`li[data-service="${service}"]`).getAttribute('data-status')).toBe('ok')
    }
    await page.screenshot({ path: join(artifacts, 'landing.png'), fullPage: true })
  })

  it('creates a shareable room link that opens the room', async () => {
    await page.goto(url)
    await page.getByRole('button', { name: 'New meeting' }).click()
    const link = await page.getByLabel('Share this link').inputValue()
    expect(link).toMatch(new RegExp(`^${url}/r/[a-z]+-[a-z]+-\\d{3}$`))
    await page.getByTestId('new-room').getByRole('link', { name: 'Join' }).click()
    await page.waitForURL(link)
    expect(await page.getByTestId('room-name').textContent()).toBe(link.split('/').pop())
  })

  it('joins by a pasted link and refuses a bad name', async () => {
    await page.goto(url)
    const input = page.getByLabel('Room name or link')
    await input.fill('not a room!')
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Enter a room name')
    expect(await input.getAttribute('aria-invalid')).toBe('true')

    await input.fill(`${url}/r/weekly-sync`)
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    await page.waitForURL(`${url}/r/weekly-sync`)
    expect(await page.getByTestId('room-name').textContent()).toBe('weekly-sync')
  })
})

describe('page security', () => {
  it('serves pages with a content security policy and no console errors', async () => {
    const errors: string[] = []
    const fresh = await newPage('fresh visitor')
    fresh.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    const res = await fresh.goto(url)
    expect(res?.headers()['content-security-policy']).toContain("default-src 'self'")
    await fresh.getByRole('button', { name: 'New meeting' }).click()
    await fresh.getByLabel('Share this link').waitFor()
    expect(errors).toEqual([])
    await fresh.close()
  })
})
