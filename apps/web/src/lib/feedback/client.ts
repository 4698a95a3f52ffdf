import { ProblemDetails } from '@tangerine/contracts/errors'
import { FeedbackAccepted, type FeedbackRequest } from '@tangerine/contracts/feedback'
import { postJson } from '../api.ts'

export type SendResult =
  { ok: true; accepted: FeedbackAccepted } | { ok: false; message: string; fields: Record<string, string> }

/**
 * `POST /api/feedback` from the browser (same origin, the session cookie rides along). Every
 * answer is parsed: a 202 with the contracts, an error as Problem Details whose field errors the
 * dialog shows beside the fields.
 */
export async function sendReport(body: FeedbackRequest, fetcher: typeof fetch = fetch): Promise<SendResult> {
  let res: Response
  try {
    res = await postJson<FeedbackRequest>('/api/feedback', body, fetcher)
  } catch {
    return { ok: false, message: 'Could not reach the server. Check your connection and try again.', fields: {} }
  }
  const json: unknown = await res.json().catch(() => undefined)
  if (res.status === 202) {
    const accepted = FeedbackAccepted.safeParse(json)
    if (accepted.success) return { ok: true, accepted: accepted.data }
  }
  const problem = ProblemDetails.safeParse(json)
  if (!problem.success) return { ok: false, message: `The report was not sent (HTTP ${res.status}).`, fields: {} }
  const fields = Object.fromEntries((problem.data.errors ?? []).map((e) => [e.path.split('.')[0]!, e.message]))
  return { ok: false, message: problem.data.detail ?? problem.data.title, fields }
}
