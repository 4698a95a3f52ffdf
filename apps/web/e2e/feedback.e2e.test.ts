import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { type ChatCardMessage, FeedbackAccepted, StoredDebugInfo } from '@tangerine/contracts/feedback'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { checkWebhookRequest } from '../../../scripts/test-support/google-chat-webhook.ts'
import { artifacts, people, stackUrl as url } from './people.ts'
import { readBody } from './receiver.ts'
import { more } from './controls.ts'

/*
 * "Report a problem" from the page to the chat: the dialog in Chromium, the gateway, the feedback
 * Worker and its queue in `wrangler dev`, and a real HTTP receiver standing in for Google Chat on
 * the port the stack's FEEDBACK_URL names (scripts/test-support/stack-setup.ts).
 */

const receiverUrl = new URL(inject('feedbackReceiverUrl'))
// The webhook's secrets, in the URL the stack's consumer was given, as Google Chat hands them out.
const secrets = { key: receiverUrl.searchParams.get('key') ?? '', token: receiverUrl.searchParams.get('token') ?? '' }

type Delivery = { key: string; attempt: string; card: ChatCardMessage }
const deliveries: Delivery[] = []
let receiver: Server
const { newPage: pageOf, join: joinAs } = people({ perTest: true })
const newPage = () => pageOf('reporter')

beforeAll(async () => {
  receiver = createServer(async (req, res) => {
    const body = await readBody(req)
    if (new URL(req.url ?? '/', receiverUrl).pathname === receiverUrl.pathname) {
      // As strict as Google Chat's webhook: its key and token, JSON, Google's card rules.
      const checked = checkWebhookRequest(
        { url: req.url ?? '/', method: req.method, contentType: req.headers['content-type'], body },
        secrets,
      )
      if (!checked.ok) {
        const { status, body: refusal } = checked.refusal
        return void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(refusal))
      }
      deliveries.push({
        key: String(req.headers['idempotency-key']),
        attempt: String(req.headers['x-tangerine-attempt']),
        card: checked.message as ChatCardMessage,
      })
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => receiver.listen(Number(receiverUrl.port), receiverUrl.hostname, resolve))
})
afterAll(async () => {
  await new Promise((r) => receiver?.close(r))
})

/** Fills in and sends the dialog; returns the id the server answered with. */
async function report(page: Page, description: string) {
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/feedback') && r.request().method() === 'POST')
  // In a meeting, it is in the More menu.
  if (await page.getByRole('button', { name: 'More options' }).count()) await more(page)
  await page.getByRole('button', { name: 'Report a problem' }).click()
  const dialog = page.getByRole('dialog', { name: 'Report a problem' })
  await dialog.waitFor()
  // The dialog takes focus to its first field.
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('report-description')
  await page.keyboard.type(description)
  await dialog.getByRole('button', { name: 'Send report' }).click()
  const res = await answer
  expect(res.status()).toBe(202)
  const accepted = FeedbackAccepted.parse(await res.json())
  await expect.poll(() => page.getByTestId('report-id').textContent()).toBe(accepted.id)
  return accepted
}

async function deliveryOf(marker: string) {
  await expect.poll(() => deliveries.filter((d) => d.card.text?.includes(marker)).length, { timeout: 30_000 }).toBe(1)
  return deliveries.find((d) => d.card.text?.includes(marker))!
}

const sections = (card: ChatCardMessage) =>
  Object.fromEntries(card.cardsV2[0]!.card.sections.map((s) => [s.header, s.widgets]))

describe('report a problem', () => {
  it('from the start page reaches the receiver as a Google Chat card, with the browser’s debug info', async () => {
    const page = await newPage()
    await page.goto(url)
    const marker = `start page broken ${Date.now().toString(36)}`
    const accepted = await report(page, marker)
    await page.screenshot({ path: join(artifacts, 'feedback-sent.png') })

    const delivery = await deliveryOf(marker)
    expect(delivery.key).toMatch(/^[0-9a-f-]{36}$/)
    expect(delivery.attempt).toBe('1')
    const card = sections(delivery.card)
    expect(card['Description']).toEqual([{ textParagraph: { text: marker } }])
    expect(JSON.stringify(card['User agent'])).toContain('Chrome')
    expect(card['Room']).toBeUndefined()
    expect(card['Debug info']).toEqual([
      { buttonList: { buttons: [{ text: 'Open debug info', onClick: { openLink: { url: accepted.debugInfoUrl } } }] } },
    ])

    // The card's link, opened as someone in the chat space would.
    const stored = StoredDebugInfo.parse(await (await fetch(accepted.debugInfoUrl!)).json())
    expect(stored.debugInfo.browser?.userAgent).toContain('Chrome')
    expect(stored.debugInfo.pageUrl).toBe(`${url}/`)

    // Closing returns focus to the button that opened it.
    await page.getByRole('button', { name: 'Close' }).click()
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Report a problem')
  })

  it('from a meeting carries the room link, who and the Calls API history', async () => {
    const room = `fb-${Date.now().toString(36)}`
    const page = await joinAs('Reporter', room)
    // Let the Calls session start, so there is history to send.
    await expect
      .poll(
        () =>
          page.evaluate(() =>
            performance.getEntriesByType('resource').some((e) => e.name.includes('/api/partytracks/')),
          ),
        { timeout: 20_000 },
      )
      .toBe(true)

    const marker = `video froze ${Date.now().toString(36)}`
    const accepted = await report(page, marker)
    const delivery = await deliveryOf(marker)
    expect(delivery.card.cardsV2[0]!.card.header.subtitle).toBe(`Reporter · room ${room}`)
    expect(sections(delivery.card)['Room']).toEqual([
      { buttonList: { buttons: [{ text: room, onClick: { openLink: { url: `${url}/r/${room}` } } }] } },
    ])

    const stored = StoredDebugInfo.parse(await (await fetch(accepted.debugInfoUrl!)).json())
    expect(stored.reporter).toEqual({ name: 'Reporter', source: 'session' })
    expect(stored.debugInfo).toMatchObject({
      room,
      identity: { name: 'Reporter' },
      connectionStats: { roomSocket: 'open' },
    })
    expect(stored.debugInfo.callsHistory?.some((e) => e.endpoint.includes('/sessions/new'))).toBe(true)
  })

  it('says what is wrong instead of sending an empty report, and Escape closes it', async () => {
    const page = await newPage()
    await page.goto(url)
    let posted = 0
    page.on('request', (r) => void (r.url().endsWith('/api/feedback') && posted++))
    await page.getByRole('button', { name: 'Report a problem' }).click()
    const dialog = page.getByRole('dialog', { name: 'Report a problem' })
    await dialog.getByRole('button', { name: 'Send report' }).click()
    await expect.poll(() => dialog.getByText('Describe the problem').isVisible()).toBe(true)
    await expect.poll(() => page.getByLabel('What went wrong?').getAttribute('aria-invalid')).toBe('true')
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.isVisible()).toBe(false)
    expect(posted).toBe(0)
  })
})
