import { describe, expect, it } from 'vitest'
import { retryDelaySeconds, retryPolicy } from '../../src/queue/backoff.ts'

describe('retry delays', () => {
  it('double from the base and stop at the cap', () => {
    const policy = { baseSeconds: 10, maxSeconds: 600 }
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((a) => retryDelaySeconds(a, policy))).toEqual([
      10, 20, 40, 80, 160, 320, 600, 600, 600,
    ])
  })

  it('stay within what Queues accepts however many attempts', () => {
    expect(retryDelaySeconds(1000, { baseSeconds: 10, maxSeconds: 1e9 })).toBe(43_200)
  })

  it('fall back to the defaults when the vars are missing or not numbers', () => {
    expect(retryPolicy({ FEEDBACK_RETRY_BASE_SECONDS: '', FEEDBACK_RETRY_MAX_SECONDS: 'soon' })).toEqual({
      baseSeconds: 10,
      maxSeconds: 600,
    })
    expect(retryPolicy({ FEEDBACK_RETRY_BASE_SECONDS: '0', FEEDBACK_RETRY_MAX_SECONDS: '5' })).toEqual({
      baseSeconds: 0,
      maxSeconds: 5,
    })
  })
})
