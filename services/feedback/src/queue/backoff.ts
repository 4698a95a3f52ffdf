/** Retry timing, from the Worker's vars so tests can run the same code with short delays. */
export interface RetryPolicy {
  baseSeconds: number
  maxSeconds: number
}

const positive = (value: string | undefined, fallback: number) => {
  const n = Number(value)
  return value !== undefined && value !== '' && Number.isFinite(n) && n >= 0 ? n : fallback
}

export function retryPolicy(
  env: Pick<FeedbackEnv, 'FEEDBACK_RETRY_BASE_SECONDS' | 'FEEDBACK_RETRY_MAX_SECONDS'>,
): RetryPolicy {
  return {
    baseSeconds: positive(env.FEEDBACK_RETRY_BASE_SECONDS, 10),
    maxSeconds: positive(env.FEEDBACK_RETRY_MAX_SECONDS, 600),
  }
}

export const deliveryTimeoutMs = (env: Pick<FeedbackEnv, 'FEEDBACK_TIMEOUT_MS'>) =>
  positive(env.FEEDBACK_TIMEOUT_MS, 10_000)

/**
 * The delay before the next try after `attempts` failed ones (Queues counts from 1): doubling from
 * the base, capped. Queues accepts at most 12 hours, whatever the cap says.
 */
export function retryDelaySeconds(attempts: number, policy: RetryPolicy): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30)
  return Math.min(Math.round(policy.baseSeconds * 2 ** exponent), policy.maxSeconds, 43_200)
}
