import { ProblemDetails } from '@tangerine/contracts/errors'
import {
  type ChatCardMessage,
  FEEDBACK_DESCRIPTION_MAX,
  FeedbackAccepted,
  StoredDebugInfo,
  type FeedbackDebugInfo,
} from '@tangerine/contracts/feedback'
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { eventually, plan, records } from '../support/receiver-client.ts'
import { postFeedback, someAddress, someone } from '../support/requests.ts'
import { inOneWindow } from '../../../../scripts/test-support/rate-limit-window.ts'

const debugInfo: FeedbackDebugInfo = {
  room: 'standup',
  identity: { name: 'Ada', userId: 'u-1' },
  callsHistory: [
    { at: '2026-11-25T10:00:00.000Z', type: 'request', method: 'post', endpoint: '/sessions/new' },
    { at: '2026-11-25T10:00:00.100Z', type: 'response', endpoint: '/sessions/new', status: 201 },
  ],
  connectionStats: { roundTripMs: 42, inboundPacketLossPct: 0.5, connectionState: 'connected' },
  browser: { userAgent: 'Mozilla/5.0 TestBrowser/1.0', language: 'en-GB', viewport: '1280x720' },
}

/** The delivered card whose text holds `marker`, once the real queue has brought it. */
async function deliveredCard(marker: string) {
  const state = await eventually(records, (s) =>
    Object.values(s).some((r) => r.delivered === 1 && JSON.stringify(r.card ?? null).includes(marker)),
  )
  const [key, record] = Object.entries(state).find(([, r]) => JSON.stringify(r.card ?? null).includes(marker))!
  // Delivered means the receiver took it by Google Chat's own rules (test/support/receiver.ts), not by our schema.
  return { key, record, card: record.card as ChatCardMessage }
}

describe('POST /feedback', () => {
  it('queues a Google Chat card that the consumer delivers, with room and debug-info links', async () => {
    const marker = `camera froze ${crypto.randomUUID()}`
    const res = await postFeedback(
      { description: `The <b>camera</b> froze: ${marker}`, room: 'standup', debugInfo },
      { name: 'Ada Lovelace', email: 'ada@example.com', source: 'access' },
    )
    expect(res.status).toBe(202)
    const accepted = FeedbackAccepted.parse(await res.json())
    expect(accepted.debugInfoUrl).toBe(`https://meet.example.com/api/feedback/debug-info/${accepted.id}`)

    const { record, card } = await deliveredCard(marker)
    expect(record.duplicates).toBe(0)
    const [{ cardId, card: body }] = card.cardsV2 as [ChatCardMessage['cardsV2'][number]]
    expect(cardId).toBe(`feedback-${accepted.id}`)
    expect(body.header).toEqual({
      title: 'Tangerine problem report',
      subtitle: 'Ada Lovelace &lt;ada@example.com&gt; · room standup',
    })
    expect(body.sections).toEqual([
      {
        header: 'Description',
        widgets: [{ textParagraph: { text: `The &lt;b&gt;camera&lt;/b&gt; froze: ${marker}` } }],
      },
      {
        header: 'User agent',
        widgets: [{ decoratedText: { text: 'Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0', wrapText: true } }],
      },
      {
        header: 'Room',
        widgets: [
          {
            buttonList: {
              buttons: [{ text: 'standup', onClick: { openLink: { url: 'https://meet.example.com/r/standup' } } }],
            },
          },
        ],
      },
      {
        header: 'Debug info',
        widgets: [
          {
            buttonList: {
              buttons: [{ text: 'Open debug info', onClick: { openLink: { url: accepted.debugInfoUrl! } } }],
            },
          },
        ],
      },
    ])
    expect(card.text).toContain('Problem report from Ada Lovelace <ada@example.com> in standup')

    // The link in the card, as the gateway serves it under /api.
    const stored = await exports.default.fetch(
      new Request(`https://meet.example.com/feedback/debug-info/${accepted.id}`),
    )
    expect(stored.status).toBe(200)
    expect(stored.headers.get('cache-control')).toBe('private, no-store')
    expect(StoredDebugInfo.parse(await stored.json())).toMatchObject({
      id: accepted.id,
      reporter: { name: 'Ada Lovelace', email: 'ada@example.com', source: 'access' },
      debugInfo,
    })
  })

  it('delivers through the real queue after failed tries, once', async () => {
    const marker = `flaky receiver ${crypto.randomUUID()}`
    await plan({ markers: { [marker]: { failures: 2, mode: ['500', 'hang'] } } })
    const res = await postFeedback({ description: marker })
    expect(res.status).toBe(202)
    const { record, card } = await deliveredCard(marker)
    expect(record).toMatchObject({ attempts: 3, delivered: 1, duplicates: 0, failures: ['500', 'hang'] })
    // Without debug info or a room, the card has only what it knows.
    expect(card.cardsV2[0]!.card.sections.map((s) => s.header)).toEqual(['Description', 'User agent'])
    expect(card.cardsV2[0]!.card.header.subtitle).toMatch(/^Tester /)
  })

  it.each([
    ['no description', {}, 'description'],
    ['a blank description', { description: '   ' }, 'description'],
    ['a description over the cap', { description: 'x'.repeat(FEEDBACK_DESCRIPTION_MAX + 1) }, 'description'],
    ['an unknown field', { description: 'hi', extra: true }, '(root)'],
    ['a bad room name', { description: 'hi', room: '../etc' }, 'room'],
    [
      'too much history',
      {
        description: 'hi',
        debugInfo: { callsHistory: Array.from({ length: 101 }, () => ({ type: 'request', endpoint: '/x' })) },
      },
      'debugInfo.callsHistory',
    ],
  ])('answers %s with a 400 naming the field', async (_, body, path) => {
    const res = await postFeedback(body)
    expect(res.status).toBe(400)
    const problem = ProblemDetails.parse(await res.json())
    expect(problem.title).toBe('Invalid request')
    expect(problem.errors?.map((e) => e.path)).toContain(path)
  })

  it('answers a body that is not JSON with a 400', async () => {
    const res = await postFeedback(undefined, someone(), { raw: '{"description": ' })
    expect(res.status).toBe(400)
    expect(ProblemDetails.parse(await res.json()).status).toBe(400)
  })

  it('takes anonymous reports too', async () => {
    const res = await postFeedback({ description: `anonymous ${crypto.randomUUID()}` }, null)
    expect(res.status).toBe(202)
  })

  it('limits each caller to 5 reports a minute', async () => {
    await inOneWindow()
    const me = someone()
    const statuses = []
    for (let i = 0; i < 7; i++) statuses.push((await postFeedback({ description: `report ${i}` }, me)).status)
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429])
    const limited = await postFeedback({ description: 'again' }, me)
    expect(limited.headers.get('retry-after')).toBe('60')
    expect(ProblemDetails.parse(await limited.json()).type).toBe('https://tangerine.dev/problems/rate-limited')
    // Someone else is not held back by it.
    expect((await postFeedback({ description: 'mine' }, someone())).status).toBe(202)
  })

  it('does not start afresh under a new display name: the user key is the same person', async () => {
    await inOneWindow()
    const me = someone()
    const address = someAddress()
    const statuses = []
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await postFeedback({ description: `renamed ${i}` }, { ...me, name: `Name ${i}` }, { address })).status,
      )
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429])
  })

  it('limits an address across fresh session cookies (each a new key), and anonymous callers by address', async () => {
    await inOneWindow()
    const address = someAddress()
    const first = []
    for (let i = 0; i < 5; i++)
      first.push((await postFeedback({ description: `first ${i}` }, someone(), { address })).status)
    expect(first).toEqual([202, 202, 202, 202, 202])
    const fresh = someone()
    const second = []
    for (let i = 0; i < 4; i++)
      second.push((await postFeedback({ description: `fresh ${i}` }, fresh, { address })).status)
    expect(second).toEqual([202, 202, 202, 429])
    expect((await postFeedback({ description: 'anonymous' }, null, { address })).status).toBe(429)

    const alone = someAddress()
    const anonymous = []
    for (let i = 0; i < 6; i++)
      anonymous.push((await postFeedback({ description: `anon ${i}` }, null, { address: alone })).status)
    expect(anonymous).toEqual([202, 202, 202, 202, 202, 429])
  })
})

describe('GET /feedback/debug-info/:id', () => {
  it('is a 404 for an id that was never stored and a 400 for one that is not an id', async () => {
    expect(
      (await exports.default.fetch(new Request(`https://meet.example.com/feedback/debug-info/${crypto.randomUUID()}`)))
        .status,
    ).toBe(404)
    expect((await exports.default.fetch(new Request('https://meet.example.com/feedback/debug-info/nope'))).status).toBe(
      400,
    )
  })
})
