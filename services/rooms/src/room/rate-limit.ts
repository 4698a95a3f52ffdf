import { RATE_LIMIT_BURST, RATE_LIMIT_PER_SECOND } from '@tangerine/contracts'

export interface Bucket {
  tokens: number
  /** ms since epoch of the last refill. */
  at: number
}

export const fullBucket = (now: number): Bucket => ({ tokens: RATE_LIMIT_BURST, at: now })

/** Token bucket: takes one token if there is one. Returns the new bucket and whether it was allowed. */
export function take(bucket: Bucket, now: number): { bucket: Bucket; allowed: boolean } {
  const refilled = Math.min(RATE_LIMIT_BURST, bucket.tokens + ((now - bucket.at) / 1000) * RATE_LIMIT_PER_SECOND)
  if (refilled < 1) return { bucket: { tokens: refilled, at: now }, allowed: false }
  return { bucket: { tokens: refilled - 1, at: now }, allowed: true }
}
