import type { ApiHistoryEntry } from '@tangerine/contracts'
import { FEEDBACK_HISTORY_MAX, type FeedbackCallsEntry, type FeedbackDebugInfo } from '@tangerine/contracts/feedback'
import type { Meeting } from '$lib/meeting/meeting.svelte'
import { summarize, type ConnectionStats } from '$lib/meeting/connection-stats.svelte'

/** What any page can say about the browser. */
export function browserInfo(): NonNullable<FeedbackDebugInfo['browser']> {
  return {
    userAgent: navigator.userAgent.slice(0, 500),
    language: navigator.language,
    viewport: `${innerWidth}x${innerHeight}`,
  }
}

/** Calls API history without bodies: SDP is large and names the machine's addresses. */
export function callsHistory(entries: ApiHistoryEntry[]): FeedbackCallsEntry[] {
  return entries.slice(-FEEDBACK_HISTORY_MAX).map((e) => {
    const body = e.body as { errorCode?: unknown } | undefined
    const errorCode = typeof body?.errorCode === 'string' ? body.errorCode.slice(0, 100) : undefined
    return {
      type: e.type,
      method: e.type === 'request' ? e.method.slice(0, 16) : undefined,
      endpoint: e.endpoint.slice(0, 300),
      errorCode,
    }
  })
}

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms))])

/**
 * The meeting as the debug panel shows it: room, who, the Calls API history and connection
 * stats (read now if the panel has not been polling them).
 */
export async function meetingDebugInfo(meeting: Meeting, stats: ConnectionStats): Promise<FeedbackDebugInfo> {
  let summary = stats.summary
  if (!summary && meeting.calls) {
    const pc = await withTimeout(meeting.calls.peerConnection(), 1000)
    if (pc) summary = summarize(await pc.getStats())
  }
  return {
    room: meeting.room.room,
    identity: { name: meeting.room.me?.name, userId: meeting.room.userId },
    callsHistory: callsHistory(meeting.calls?.history ?? []),
    connectionStats: {
      peerConnection: meeting.calls?.connectionState ?? 'not started',
      roomSocket: meeting.room.status,
      roomSeq: meeting.room.seq,
      ...(summary ?? {}),
    },
    browser: browserInfo(),
    pageUrl: location.href.slice(0, 500),
  }
}

/** The start page has no meeting: the browser and the page. */
export async function pageDebugInfo(): Promise<FeedbackDebugInfo> {
  return { browser: browserInfo(), pageUrl: location.href.slice(0, 500) }
}
