import type { LoggedEvent, RoomState } from '@tangerine/contracts'
import { AiCall, type AiEndedMessage } from '@tangerine/contracts/ai/api'

const KEY = 'ai-call'

/**
 * What the AI holds open in this room (its Calls session and OpenAI call), so that whoever ends
 * the AI can close both. Kept beside the log, not in it: the OpenAI call id is nobody's business
 * but the ai Worker's, and the room's state is everyone's.
 */
export class AiCallStore {
  constructor(private readonly storage: DurableObjectStorage) {}

  async remember(call: AiCall): Promise<void> {
    await this.storage.put(KEY, call)
  }

  /**
   * When `logged` ended the AI (dismissed or failed), what it held, forgotten here so it is
   * closed once: the stored call, else the session the state named before.
   */
  async takeIfEnded(before: RoomState['ai'], logged: LoggedEvent[]): Promise<AiCall | undefined> {
    if (!logged.some((e) => e.type === 'AiDismissed' || e.type === 'AiFailed')) return undefined
    const stored = AiCall.safeParse(await this.storage.get(KEY))
    await this.storage.delete(KEY)
    if (stored.success) return stored.data
    return before.status === 'joined' && before.sessionId ? { sessionId: before.sessionId } : undefined
  }
}

/** The room ended the AI by itself (the meeting emptied): the AiDismissed it logged, if any. */
export const systemDismissal = (logged: LoggedEvent[]) =>
  logged.find((e) => e.type === 'AiDismissed' && e.data.by === 'system')

export const aiEndedMessage = (room: string, event: LoggedEvent, call: AiCall): AiEndedMessage => ({
  id: `${room}:${event.seq}`,
  room,
  call,
})
