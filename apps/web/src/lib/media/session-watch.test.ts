import { describe, expect, it } from 'vitest'
import { lookupOf } from './session-watch.ts'

const answer = (status: number, body?: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status })

describe('lookupOf: what an answer to GET /sessions/:id says of the session', () => {
  it('is gone when the SFU does not know it (a restarted SFU)', async () => {
    // The local SFU answers 410 session_error; Calls names the same error code.
    expect(await lookupOf(answer(410, { errorCode: 'session_error', errorDescription: 'Session x not found' }))).toBe(
      'gone',
    )
    expect(await lookupOf(answer(404))).toBe('gone')
    expect(await lookupOf(answer(400, { errorCode: 'session_error' }))).toBe('gone')
  })
  it('is alive when the SFU answers with it', async () => {
    expect(await lookupOf(answer(200, { sessionId: 'x', tracks: [] }))).toBe('alive')
  })
  it('is unknown while the SFU does not answer: the media service fails, or refuses us for now', async () => {
    expect(await lookupOf(answer(500, { title: 'Internal Server Error' }))).toBe('unreachable')
    expect(await lookupOf(answer(502, 'not json'))).toBe('unreachable')
    expect(await lookupOf(answer(403, { errorCode: 'unauthorized' }))).toBe('unreachable')
  })
})
