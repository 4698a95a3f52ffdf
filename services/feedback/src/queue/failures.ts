import { DeadLetter, type DeadLetterList, type FeedbackMessage } from '@tangerine/contracts/feedback'

/*
 * What ops need to see of undeliverable messages. The dead-letter queue carries only the message
 * body, so the main consumer notes each failure here and the dead-letter consumer joins the two.
 */

const failureKey = (idempotencyKey: string) => `failure:${idempotencyKey}`
const deadKey = (id: string) => `dead:${id}`
const FAILURE_TTL_SECONDS = 7 * 24 * 3600

export interface FailureNote {
  attempts: number
  lastError: string
}

export async function noteFailure(kv: KVNamespace, idempotencyKey: string, note: FailureNote) {
  await kv.put(failureKey(idempotencyKey), JSON.stringify(note), { expirationTtl: FAILURE_TTL_SECONDS })
}

export async function clearFailure(kv: KVNamespace, idempotencyKey: string) {
  await kv.delete(failureKey(idempotencyKey))
}

export async function storeDeadLetter(kv: KVNamespace, message: FeedbackMessage, deadAt: string): Promise<DeadLetter> {
  const note = await kv.get<FailureNote>(failureKey(message.idempotencyKey), 'json')
  const entry: DeadLetter = { id: message.idempotencyKey, message, deadAt, ...(note ?? {}) }
  await kv.put(deadKey(entry.id), JSON.stringify(entry))
  await kv.delete(failureKey(message.idempotencyKey))
  return entry
}

/** A page of dead letters, oldest id order as KV lists them, with the cursor of the next page. */
export async function listDeadLetters(kv: KVNamespace, limit = 100, cursor?: string): Promise<DeadLetterList> {
  const page = await kv.list({ prefix: deadKey(''), limit, ...(cursor ? { cursor } : {}) })
  const entries = await Promise.all(page.keys.map((k) => kv.get(k.name, 'json')))
  const deadLetters = entries.flatMap((e) => {
    const parsed = DeadLetter.safeParse(e)
    return parsed.success ? [parsed.data] : []
  })
  return page.list_complete ? { deadLetters } : { deadLetters, cursor: page.cursor }
}

export async function getDeadLetter(kv: KVNamespace, id: string): Promise<DeadLetter | undefined> {
  const parsed = DeadLetter.safeParse(await kv.get(deadKey(id), 'json'))
  return parsed.success ? parsed.data : undefined
}

export async function deleteDeadLetter(kv: KVNamespace, id: string) {
  await kv.delete(deadKey(id))
}
