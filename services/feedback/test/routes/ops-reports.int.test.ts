import { FeedbackAccepted, DeadLetterList } from '@tangerine/contracts/feedback'
import { FeedbackSummary, RecentReports } from '@tangerine/contracts/ops/api'
import { describe, expect, it } from 'vitest'
import { eventually, plan } from '../support/receiver-client.ts'
import { admin, postFeedback, someone } from '../support/requests.ts'

const reports = async () => RecentReports.parse(await (await admin('/feedback/reports?limit=200')).json()).reports
const summary = async () => FeedbackSummary.parse(await (await admin('/feedback/summary')).json())
const statusOf = (id: string) => async () => (await reports()).find((r) => r.id === id)?.status

describe('recent reports and the feedback summary, for operators', () => {
  it('lists reports newest first with their outline, delivered once the receiver takes them', async () => {
    const first = FeedbackAccepted.parse(await (await postFeedback({ description: 'older one' })).json())
    const description = `Echo in room ${crypto.randomUUID()} ${'x'.repeat(300)}`
    const who = someone('Grace')
    const second = FeedbackAccepted.parse(await (await postFeedback({ description, room: 'ops-reports' }, who)).json())
    const delivered = await eventually(statusOf(second.id), (s) => s === 'delivered')
    expect(delivered).toBe('delivered')
    const list = await reports()
    const entry = list.find((r) => r.id === second.id)!
    expect(entry).toMatchObject({ room: 'ops-reports', reporter: 'Grace', summary: description.slice(0, 120) })
    expect(list.findIndex((r) => r.id === second.id)).toBeLessThan(list.findIndex((r) => r.id === first.id))
  })

  it('counts a report that failed every try as dead, and delivered once replayed', async () => {
    const marker = `ops summary ${crypto.randomUUID()}`
    // Three failures make it dead; the fourth, the first try after the replay, hangs until it times out.
    await plan({ markers: { [marker]: { failures: 4, mode: ['500', '500', '500', 'hang'] } } })
    const { id } = FeedbackAccepted.parse(await (await postFeedback({ description: marker })).json())
    await eventually(statusOf(id), (s) => s === 'dead')
    expect((await summary()).deadLetters).toBeGreaterThanOrEqual(1)

    const dead = DeadLetterList.parse(await (await admin('/feedback/dead-letters')).json()).deadLetters
    const entry = dead.find((d) => d.message.feedbackId === id)!
    const before = (await summary()).deadLetters
    expect((await admin(`/feedback/dead-letters/${entry.id}/replay`, { method: 'POST' })).status).toBe(202)
    // Back on the queue: queued, and in the backlog, until the receiver takes it.
    expect(await statusOf(id)()).toBe('queued')
    expect((await summary()).backlog).toBeGreaterThanOrEqual(1)
    expect(await eventually(statusOf(id), (s) => s === 'delivered')).toBe('delivered')
    expect((await summary()).deadLetters).toBe(before - 1)
  })

  it('counts a report not yet delivered in the backlog, and takes it out once delivered', async () => {
    const marker = `ops backlog ${crypto.randomUUID()}`
    // Two tries time out before the third is taken: the report waits in the queue meanwhile.
    await plan({ markers: { [marker]: { failures: 2, mode: ['hang', 'hang'] } } })
    const { id } = FeedbackAccepted.parse(await (await postFeedback({ description: marker })).json())
    expect(await statusOf(id)()).toBe('queued')
    const waiting = (await summary()).backlog
    expect(waiting).toBeGreaterThanOrEqual(1)
    expect(await eventually(statusOf(id), (s) => s === 'delivered')).toBe('delivered')
    expect((await summary()).backlog).toBe(waiting - 1)
  })

  it('refuses a bad limit and outsiders', async () => {
    for (const q of ['limit=0', 'limit=201', 'limit=x', 'other=1']) {
      expect((await admin(`/feedback/reports?${q}`)).status).toBe(400)
    }
    expect((await admin('/feedback/reports', {}, null)).status).toBe(403)
    expect((await admin('/feedback/summary', {}, null)).status).toBe(403)
  })
})
