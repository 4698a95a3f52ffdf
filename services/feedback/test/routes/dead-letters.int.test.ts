import { ProblemDetails } from '@tangerine/contracts/errors'
import { DeadLetterList, FeedbackAccepted, ReplayAccepted, type FeedbackMessage } from '@tangerine/contracts/feedback'
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { storeDeadLetter } from '../../src/queue/failures.ts'
import { eventually, plan, records } from '../support/receiver-client.ts'
import { admin, postFeedback } from '../support/requests.ts'

const deadLetters = async () => DeadLetterList.parse(await (await admin('/feedback/dead-letters')).json()).deadLetters

describe('dead letters', () => {
  it('keeps a message that failed every try, and replay delivers it once', async () => {
    const marker = `never accepted ${crypto.randomUUID()}`
    // More failures than the 3 tries the test queue allows (max_retries 2).
    await plan({ markers: { [marker]: { failures: 3, mode: ['500', 'reset', 'hang'] } } })
    const accepted = FeedbackAccepted.parse(await (await postFeedback({ description: marker })).json())

    const dead = await eventually(deadLetters, (list) => list.some((d) => d.message.feedbackId === accepted.id))
    const entry = dead.find((d) => d.message.feedbackId === accepted.id)!
    expect(entry).toMatchObject({ id: entry.message.idempotencyKey, attempts: 3, lastError: 'timeout after 300 ms' })
    expect(entry.message.card.text).toContain(marker)
    const before = (await records())[entry.id]!
    expect(before).toMatchObject({ attempts: 3, delivered: 0, failures: ['500', 'reset', 'hang'] })

    // The receiver is fixed; ops replay the message, which keeps its idempotency key.
    const said = vi.spyOn(console, 'log')
    const replay = await admin(`/feedback/dead-letters/${entry.id}/replay`, { method: 'POST' })
    const lines = said.mock.calls.map(([line]) => String(line))
    said.mockRestore()
    expect(replay.status).toBe(202)
    // Recorded with who did it.
    expect(lines.map((line) => JSON.parse(line) as object)).toContainEqual(
      expect.objectContaining({ msg: 'dead letter replayed', idempotencyKey: entry.id, by: 'ops@example.com' }),
    )
    expect(ReplayAccepted.parse(await replay.json())).toEqual({ id: entry.id, replayed: true })
    const after = await eventually(records, (s) => s[entry.id]?.delivered === 1)
    expect(after[entry.id]).toMatchObject({ attempts: 4, delivered: 1, duplicates: 0 })
    expect((await deadLetters()).some((d) => d.id === entry.id)).toBe(false)

    // Replaying it again finds nothing: it is not sent twice.
    expect((await admin(`/feedback/dead-letters/${entry.id}/replay`, { method: 'POST' })).status).toBe(404)
  })

  it('are only for operators as the gateway marks them', async () => {
    // No mark, a mark that does not parse, one that names no way in, and the old per-service token.
    for (const mark of [null, 'not-base64!', btoa('{}')]) {
      const res = await admin('/feedback/dead-letters', {}, mark)
      expect(res.status).toBe(403)
      expect(ProblemDetails.parse(await res.json()).type).toBe('https://tangerine.dev/problems/forbidden')
    }
    const token = { headers: { authorization: 'Bearer test-admin-token' } }
    expect((await admin('/feedback/dead-letters', token, null)).status).toBe(403)
    expect((await admin(`/feedback/dead-letters/${crypto.randomUUID()}/replay`, { method: 'POST' }, null)).status).toBe(
      403,
    )
  })

  it('are listed a page at a time, every one once', async () => {
    const ids = new Set<string>()
    for (let i = 0; i < 5; i++) {
      const message: FeedbackMessage = {
        idempotencyKey: crypto.randomUUID(),
        feedbackId: crypto.randomUUID(),
        createdAt: new Date().toISOString(),
        card: {
          cardsV2: [
            {
              cardId: 'c',
              card: { header: { title: `paged ${i}` }, sections: [{ widgets: [{ textParagraph: { text: 'x' } }] }] },
            },
          ],
        },
      }
      await storeDeadLetter(env.DEAD_LETTERS, message, new Date().toISOString())
      ids.add(message.idempotencyKey)
    }
    const seen: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page = DeadLetterList.parse(
        await (
          await admin(`/feedback/dead-letters?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        ).json(),
      )
      expect(page.deadLetters.length).toBeLessThanOrEqual(2)
      seen.push(...page.deadLetters.map((d) => d.id))
      cursor = page.cursor
      pages++
    } while (cursor && pages < 50)
    expect(cursor).toBeUndefined()
    expect(pages).toBeGreaterThanOrEqual(3)
    expect(seen.filter((id) => ids.has(id)).sort()).toEqual([...ids].sort())
    expect(new Set(seen).size).toBe(seen.length)

    for (const query of ['limit=0', 'limit=5000', 'cursor=', 'page=2']) {
      expect((await admin(`/feedback/dead-letters?${query}`)).status).toBe(400)
    }
  })

  it('answers a replay of an unknown or malformed id', async () => {
    expect((await admin(`/feedback/dead-letters/${crypto.randomUUID()}/replay`, { method: 'POST' })).status).toBe(404)
    expect((await admin('/feedback/dead-letters/not-an-id/replay', { method: 'POST' })).status).toBe(400)
  })
})
