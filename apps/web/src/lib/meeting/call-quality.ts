import { CallQualityAnswer } from '@tangerine/contracts/rooms/call-quality'
import { callApi } from '../api.ts'

/** Sends the after-call answer; resolves to an error message for the person, or undefined. */
export async function sendCallQuality(room: string, answer: CallQualityAnswer): Promise<string | undefined> {
  const body = CallQualityAnswer.safeParse(answer)
  if (!body.success) return body.error.issues[0]?.message ?? 'That answer did not work'
  try {
    const res = await callApi('callQuality', { params: { name: room }, body: body.data })
    if (res.ok) return undefined
    return res.problem ? (res.problem.detail ?? res.problem.title) : `The answer was not saved (${res.status})`
  } catch {
    return 'The answer was not saved: no connection'
  }
}
