import type { FeedbackAccepted, FeedbackRequest } from '@tangerine/contracts/feedback'
import { callApi, type ApiResult } from '../api.ts'

export type SendResult =
  { ok: true; accepted: FeedbackAccepted } | { ok: false; message: string; fields: Record<string, string> }

/**
 * `POST /api/feedback` from the browser (same origin, the session cookie rides along). Every
 * answer is parsed: a 202 with the contracts, an error as Problem Details whose field errors the
 * dialog shows beside the fields.
 */
export async function sendReport(body: FeedbackRequest): Promise<SendResult> {
  let res: ApiResult<FeedbackAccepted>
  try {
    res = await callApi('feedback', { body })
  } catch {
    return { ok: false, message: 'Could not reach the server. Check your connection and try again.', fields: {} }
  }
  if (res.ok) return { ok: true, accepted: res.data }
  const { problem } = res
  if (!problem) return { ok: false, message: `The report was not sent (HTTP ${res.status}).`, fields: {} }
  const fields = Object.fromEntries((problem.errors ?? []).map((e) => [e.path.split('.')[0]!, e.message]))
  return { ok: false, message: problem.detail ?? problem.title, fields }
}
