import { IDEMPOTENCY_KEY_HEADER, type FeedbackMessage } from '@tangerine/contracts/feedback'

export type Delivery = { ok: true; status: number } | { ok: false; error: string }

/**
 * One POST of the card to the receiver. Every way it can fail (a network error, no answer within
 * the timeout, a non-2xx answer) is a failure to retry; the idempotency key lets a receiver that
 * did take an earlier try (say, it answered after our timeout) drop this one.
 */
export async function deliver(
  url: string,
  message: FeedbackMessage,
  attempt: number,
  timeoutMs: number,
): Promise<Delivery> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=UTF-8',
        [IDEMPOTENCY_KEY_HEADER]: message.idempotencyKey,
        'x-tangerine-attempt': String(attempt),
      },
      body: JSON.stringify(message.card),
      signal: AbortSignal.timeout(timeoutMs),
    })
    // The body is not needed, but it must be read or cancelled to free the connection.
    await res.body?.cancel()
    return res.ok ? { ok: true, status: res.status } : { ok: false, error: `HTTP ${res.status}` }
  } catch (err) {
    const name = err instanceof Error ? err.name : ''
    if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, error: `timeout after ${timeoutMs} ms` }
    return { ok: false, error: `network error: ${err instanceof Error ? err.message : String(err)}` }
  }
}

/** Where a URL points, for logs: never the path or query, which for a webhook hold its key and token. */
export function safeTarget(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return '(invalid FEEDBACK_URL)'
  }
}
