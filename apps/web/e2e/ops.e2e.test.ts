import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { FeedbackAccepted, type ChatCardMessage } from '@tangerine/contracts/feedback'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { allocate } from '../../../packages/sfu/test/helpers/turn-client.ts'
import { checkWebhookRequest } from '../../../scripts/test-support/google-chat-webhook.ts'
import { call, outsider, turnCredential } from './attacks/outsider.ts'
import { artifacts, people, stackUrl } from './people.ts'
import { readBody } from './receiver.ts'

/*
 * The operators' page, /ops, as an operator and as an outsider use it: Chromium against the
 * whole stack, a real meeting of two, a real webhook receiver that refuses a report until told
 * otherwise (the stack's consumer gives up after two tries: `quickDeadLetters`), and a real TURN
 * client at the stack's coturn.
 */

const token = inject('operatorToken')
const receiverUrl = new URL(inject('feedbackReceiverUrl'))
const secrets = { key: receiverUrl.searchParams.get('key') ?? '', token: receiverUrl.searchParams.get('token') ?? '' }
const { newPage, join: joinAs } = people()
const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `ops-${name}.png`), fullPage: true })

// --- The stand-in for Google Chat: refuses cards while `refusing`, keeps what it takes. -------
let refusing = true
const delivered: ChatCardMessage[] = []
let receiver: Server

beforeAll(async () => {
  receiver = createServer(async (req, res) => {
    const body = await readBody(req)
    const checked = checkWebhookRequest(
      { url: req.url ?? '/', method: req.method, contentType: req.headers['content-type'], body },
      secrets,
    )
    if (!checked.ok) return void res.writeHead(checked.refusal.status).end()
    if (refusing) return void res.writeHead(500).end('{"error":"down for the test"}')
    delivered.push(checked.message as ChatCardMessage)
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
  await new Promise<void>((resolve) => receiver.listen(Number(receiverUrl.port), receiverUrl.hostname, resolve))
})
afterAll(async () => {
  await new Promise((r) => receiver?.close(r))
})

/** A browser profile of its own, signed in with the link `npm run dev` prints. */
async function operator(): Promise<Page> {
  const page = await newPage('operator')
  await page.goto(`${stackUrl}/ops#token=${encodeURIComponent(token)}`)
  await page.getByRole('navigation', { name: 'Operations' }).waitFor()
  return page
}

const relays = async (c: Awaited<ReturnType<typeof turnCredential>>) => allocate(c.host, c.port, c.username, c.password)

describe('the ops page', () => {
  let ops: Page
  let alice: Page
  let bob: Page
  const room = `ops-${Date.now().toString(36)}`

  it('signs in from the dev link’s fragment, and takes the token out of the address', async () => {
    ops = await operator()
    expect(new URL(ops.url()).hash).toBe('')
    expect(ops.url()).not.toContain(token)
    await ops.getByRole('heading', { name: 'Overview' }).waitFor()
    await expect.poll(() => ops.getByTestId('health').getAttribute('data-status')).toBe('ok')
  })

  it('shows a meeting of two in the rooms list and the overview within 2 s; the log has the joins', async () => {
    // The overview in a second tab of the same profile (same cookie), both views open before the meeting starts.
    const overview = await ops.context().newPage()
    await overview.goto(`${stackUrl}/ops`)
    await overview.getByTestId('people-now').waitFor()
    await ops.getByRole('link', { name: 'Rooms', exact: true }).click()
    await ops.getByRole('heading', { name: 'Rooms' }).waitFor()

    const people = ops.locator(`tr[data-room="${room}"] [data-testid="people"]`)
    alice = await joinAs('Alice', room)
    await expect.poll(() => people.textContent(), { timeout: 2_000 }).toBe('1')
    bob = await joinAs('Bob', room)
    const joinedAt = Date.now()
    await expect.poll(() => people.textContent(), { timeout: 2_000 }).toBe('2')
    await expect
      .poll(async () => Number(await overview.getByTestId('people-now').textContent()), { timeout: 2_000 })
      .toBeGreaterThanOrEqual(2)
    expect(Number(await overview.getByTestId('rooms-live').textContent())).toBeGreaterThanOrEqual(1)
    console.log(
      `ops: the meeting of two was on the rooms list and the overview ${Date.now() - joinedAt} ms after Bob’s join`,
    )
    await shot(ops, 'rooms')
    await shot(overview, 'overview')
    await overview.close()

    await ops.getByRole('link', { name: room }).click()
    await ops.getByRole('heading', { name: `Room ${room}` }).waitFor()
    const log = ops.getByTestId('event-log')
    for (const name of ['Alice', 'Bob'])
      await expect.poll(() => log.getByText(`${name} joined the meeting`).count()).toBe(1)
  })

  it('filters the log by type and by person', async () => {
    const log = ops.getByTestId('event-log')
    await ops.getByLabel('Event type').selectOption('MeetingStarted')
    await expect.poll(() => log.locator('tbody tr[data-type]').count()).toBe(1)
    await expect.poll(() => log.locator('tr[data-type="MeetingStarted"]').count()).toBe(1)
    await ops.getByLabel('Event type').selectOption('')
    const bob = await ops.getByLabel('Person').locator('option', { hasText: 'Bob' }).getAttribute('value')
    await ops.getByLabel('Person').selectOption(bob!)
    await expect.poll(() => log.getByText('Bob joined the meeting').count()).toBe(1)
    await expect.poll(() => log.getByText('Alice joined the meeting').count()).toBe(0)
    await ops.getByLabel('Person').selectOption('')
    await expect.poll(() => log.getByText('Alice joined the meeting').count()).toBe(1)
  })

  it('scrubs back to before Bob joined: one person; to the end: two', async () => {
    const bobJoined = Number(
      await ops.getByTestId('event-log').locator('tr', { hasText: 'Bob joined the meeting' }).getAttribute('data-seq'),
    )
    const scrubber = ops.getByLabel(/Log position/)
    await scrubber.fill(String(bobJoined - 1))
    await expect.poll(() => ops.getByTestId('state-at').getAttribute('data-seq')).toBe(String(bobJoined - 1))
    await expect.poll(() => ops.getByTestId('state-people').textContent()).toBe('1')
    const inMeeting = ops.getByRole('list', { name: `People in the meeting at seq ${bobJoined - 1}` })
    expect(await inMeeting.textContent()).toContain('Alice')
    expect(await inMeeting.textContent()).not.toContain('Bob')
    await shot(ops, 'time-travel')

    // The keyboard: End is the log's head again, where both are in.
    await scrubber.focus()
    await ops.keyboard.press('End')
    await expect.poll(() => ops.getByTestId('state-people').textContent()).toBe('2')
  })

  it('lists the room’s Calls sessions with their API history', async () => {
    const sessions = ops.getByTestId('calls-sessions').locator('details')
    await expect.poll(() => sessions.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2)
    await sessions.first().locator('summary').click()
    await expect.poll(() => sessions.first().getByText('/sessions/new').count()).toBeGreaterThan(0)
    await shot(ops, 'room')
  })

  it('removes Bob, then ends the meeting: each page says an operator did it, and the log says which', async () => {
    const actions = ops.getByRole('region', { name: 'In the meeting now' })
    await expect.poll(() => actions.getByTestId('room-people').locator('li').count()).toBe(2)
    await actions.getByRole('button', { name: 'Remove Bob' }).click()
    await shot(ops, 'room-actions')
    await actions.getByRole('group', { name: 'Confirm removing Bob' }).getByRole('button', { name: 'Remove' }).click()
    await expect.poll(() => bob.getByTestId('removed').textContent()).toBe('An operator removed you from the meeting')
    await expect.poll(() => actions.getByTestId('room-people').locator('li').count()).toBe(1)
    await expect.poll(() => alice.getByText('An operator removed Bob').count()).toBe(1)

    await actions.getByRole('button', { name: 'End meeting for everyone…' }).click()
    await actions.getByRole('button', { name: 'End meeting', exact: true }).click()
    await expect.poll(() => alice.getByTestId('ended').textContent()).toBe('An operator ended the meeting')
    await actions.getByTestId('no-meeting').waitFor()

    const log = ops.getByTestId('event-log')
    await expect.poll(() => log.getByText('Bob removed by operator token').count()).toBe(1)
    await expect.poll(() => log.getByText('Meeting ended for all by operator token').count()).toBe(1)
  })

  it('draws the meetings history with charts', async () => {
    await ops.getByRole('link', { name: 'Meetings', exact: true }).click()
    const charts = ops.getByTestId('meeting-charts')
    await expect.poll(() => charts.locator('figure canvas').count()).toBe(4)
    for (const title of ['Meetings per day', 'Peak participants per day', 'Meeting length'])
      await charts.getByRole('img', { name: title }).waitFor()
    await shot(ops, 'meetings')
  })

  it('shows a report that could not be delivered as a dead letter, and Replay delivers it', async () => {
    const marker = `ops dead letter ${Date.now().toString(36)}`
    const sent = await call('POST', '/api/feedback', { json: { description: marker } })
    expect(sent.status).toBe(202)
    const { id } = FeedbackAccepted.parse(sent.body)

    await ops.getByRole('link', { name: 'Feedback', exact: true }).click()
    const dead = ops.locator(`[data-testid="dead-letters"] tr[data-feedback-id="${id}"]`)
    await expect.poll(() => dead.count(), { timeout: 60_000 }).toBe(1)
    expect(await dead.textContent()).toContain('HTTP 500')
    await expect
      .poll(() =>
        ops.locator(`[data-testid="recent-reports"] tr[data-feedback-id="${id}"]`).getAttribute('data-status'),
      )
      .toBe('dead')
    await shot(ops, 'feedback-dead')

    refusing = false
    await dead.getByRole('button', { name: `Replay report ${id}` }).click()
    await expect.poll(() => delivered.filter((card) => card.text?.includes(marker)).length, { timeout: 30_000 }).toBe(1)
    await expect.poll(() => dead.count()).toBe(0)
    await expect
      .poll(() =>
        ops.locator(`[data-testid="recent-reports"] tr[data-feedback-id="${id}"]`).getAttribute('data-status'),
      )
      .toBe('delivered')
    await shot(ops, 'feedback')
  })

  it('rotates the TURN key: a new credential relays, and so does the old one for the overlap; a revoked one does not', async () => {
    const before = await turnCredential('Turn Tester')
    await ops.getByRole('link', { name: 'TURN keys', exact: true }).click()
    const active = ops.locator('[data-testid="turn-keys"] tr[data-state="active"]')
    const oldUid = await active.getAttribute('data-uid')

    await ops.getByRole('button', { name: 'Rotate key' }).click()
    await expect.poll(() => active.getAttribute('data-uid')).not.toBe(oldUid)
    await expect.poll(() => ops.locator(`tr[data-uid="${oldUid}"]`).getAttribute('data-state')).toBe('retiring')

    const after = await turnCredential('Turn Tester')
    expect(await relays(after)).toMatchObject({ ok: true })
    expect(await relays(before)).toMatchObject({ ok: true })

    await ops.getByLabel('Credential username').fill(after.username)
    await ops.getByRole('button', { name: 'Revoke credential' }).click()
    await expect.poll(() => ops.getByTestId('turn-outcome').textContent()).toContain('Revoked')
    await expect.poll(async () => (await relays(after)).ok).toBe(false)
    expect(await relays(before)).toMatchObject({ ok: true })

    const newUid = await active.getAttribute('data-uid')
    await active.getByRole('button', { name: /^Rename key / }).click()
    await active.getByLabel(/^New name for /).fill('rotated by the e2e test')
    await active.getByRole('button', { name: 'Save' }).click()
    await expect
      .poll(() => ops.locator(`tr[data-uid="${newUid}"] td`).first().textContent())
      .toContain('rotated by the e2e test')
    await shot(ops, 'turn')
  })

  it('is a 403 for a browser without the cookie, and a wrong token stays out', async () => {
    const page = await newPage('outsider')
    await page.goto(`${stackUrl}/ops`)
    await page.getByRole('heading', { name: '403 · Operators only' }).waitFor()
    expect(await page.getByRole('navigation', { name: 'Operations' }).count()).toBe(0)
    await page.getByLabel('Operator token').fill('not-the-token')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not the ADMIN_TOKEN')
    await shot(page, 'forbidden')

    // Going to a view directly is the same page.
    await page.goto(`${stackUrl}/ops/rooms/${room}`)
    await page.getByRole('heading', { name: '403 · Operators only' }).waitFor()
  })

  it('signs out: the same browser is an outsider again', async () => {
    await ops.getByRole('button', { name: 'Sign out' }).click()
    await ops.getByRole('heading', { name: '403 · Operators only' }).waitFor()
    await ops.reload()
    await ops.getByRole('heading', { name: '403 · Operators only' }).waitFor()
  })
})

describe('every /api/ops route', () => {
  const someId = crypto.randomUUID()
  const routes: Array<[string, string, unknown?]> = [
    ['GET', '/api/ops/overview'],
    ['GET', '/api/ops/rooms'],
    ['GET', '/api/ops/rooms/some-room'],
    ['GET', '/api/ops/rooms/some-room/events'],
    ['GET', '/api/ops/rooms/some-room/state?seq=1'],
    ['GET', '/api/ops/rooms/some-room/calls'],
    ['GET', '/api/ops/meetings'],
    ['GET', '/api/ops/feedback/reports'],
    ['GET', '/api/ops/feedback/summary'],
    ['GET', '/api/ops/feedback/dead-letters'],
    ['POST', `/api/ops/feedback/dead-letters/${someId}/replay`],
    ['GET', '/api/ops/turn/keys'],
    ['POST', '/api/ops/turn/keys/rotate', {}],
    ['PATCH', '/api/ops/turn/keys/some-key', { name: 'mine' }],
    ['DELETE', '/api/ops/turn/keys/some-key'],
    ['POST', '/api/ops/turn/credentials/123:abc/revoke'],
  ]

  it('is a 403 for someone in a meeting, a wrong cookie, and nobody at all', async () => {
    const member = await outsider('Member')
    const who = [
      { label: 'no credential' },
      { label: 'a meeting participant', cookie: member.cookie },
      { label: 'a forged ops cookie', cookie: `${member.cookie}; tangerine_ops=forged.value` },
    ]
    for (const { label, cookie } of who)
      for (const [method, path, json] of routes) {
        const res = await call(method, path, { cookie, json })
        expect(res.status, `${method} ${path} with ${label}`).toBe(403)
      }
  })
})
