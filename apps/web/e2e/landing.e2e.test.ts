import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { artifacts, people, stackUrl as url } from './people.ts'

// A page of its own for each test: none starts where another left off.
const { newPage } = people({ perTest: true })

describe('landing page, served through the gateway', () => {
  it('shows every service up, as reported through the bindings', async () => {
    const page = await newPage('visitor')
    const panel = page.getByTestId('health')
    // The page reads health once, on the server, giving each service HEALTH_TIMEOUT_MS: on a
    // loaded machine a Worker's first answer can miss that, so the page is loaded until it says ok.
    await expect
      .poll(
        async () => {
          await page.goto(url)
          return panel.getAttribute('data-status')
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('ok')
    for (const service of ['gateway', 'rooms', 'media', 'ai', 'feedback', 'web']) {
      expect(await panel.locator(`li[data-service="${service}"]`).getAttribute('data-status')).toBe('ok')
    }
    await page.screenshot({ path: join(artifacts, 'landing.png'), fullPage: true })
  })

  it('creates a shareable room link that opens the room', async () => {
    const page = await newPage('visitor')
    await page.goto(url)
    await page.getByRole('button', { name: 'New meeting' }).click()
    const link = await page.getByLabel('Share this link').inputValue()
    expect(link).toMatch(new RegExp(`^${url}/r/[a-z]+-[a-z]+-\\d{3}$`))
    await page.getByTestId('new-room').getByRole('link', { name: 'Join' }).click()
    await page.waitForURL(link)
    await expect.poll(() => page.getByTestId('room-name').textContent()).toBe(link.split('/').pop())
  })

  it('joins by a pasted link and refuses a bad name', async () => {
    const page = await newPage('visitor')
    await page.goto(url)
    const input = page.getByLabel('Room name or link')
    await input.fill('not a room!')
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Enter a room name')
    await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true')

    await input.fill(`${url}/r/weekly-sync`)
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    await page.waitForURL(`${url}/r/weekly-sync`)
    await expect.poll(() => page.getByTestId('room-name').textContent()).toBe('weekly-sync')
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
