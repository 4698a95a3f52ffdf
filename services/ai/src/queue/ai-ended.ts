import { AiEndedMessage } from '@tangerine/contracts/ai/api'
import { log } from '@tangerine/contracts/log'
import { endAiCall } from '../participant/end.ts'

/**
 * `tangerine-ai-ended`: rooms that ended their AI by themselves (the meeting emptied). Ending is
 * safe to repeat, so a redelivered message does no harm; a failed one is retried, then dropped
 * after max_retries (Calls ends a trackless session by itself, OpenAI an idle call).
 */
export async function consumeAiEnded(batch: MessageBatch, env: AiEnv): Promise<void> {
  for (const message of batch.messages) {
    const body = AiEndedMessage.safeParse(message.body)
    if (!body.success) {
      log('error', 'ai-ended message dropped: bad body', { id: message.id })
      message.ack()
      continue
    }
    try {
      await endAiCall(env, body.data.room, body.data.call)
      message.ack()
    } catch {
      message.retry()
    }
  }
}
