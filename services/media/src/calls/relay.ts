import type { ProxyHistoryEntry } from '@tangerine/contracts/calls/api'
import type { Context } from 'hono'
import { endTime, startTime } from 'hono/timing'
import type { AppEnv } from '../app-env.ts'
import { callUpstream } from './upstream.ts'

/** One Calls API call, already checked by its route: who may make it is the route's business. */
export interface RelayedCall {
  method: string
  /** The Calls API path under `/apps/{appId}`, e.g. `/sessions/{id}/tracks/new`. */
  path: string
  body: unknown
  query?: URLSearchParams
  /** The session the call drives; none for `/sessions/new`. */
  sessionId?: string
  /** Who a session this call creates belongs to in the room: a room user id, or `AI_SERVICE`. */
  owner: string
  /**
   * Whether the answer waits for the history to be written. A push must (the others pull its
   * tracks once they hear of them, and a pull must find them published); otherwise the history
   * is written after the answer, off the caller's path, with the Worker kept alive for it.
   */
  recordFirst: boolean
}

/**
 * The one way a Calls call goes out, for browsers and the AI alike: relay it with the app secret,
 * claim a session it creates for its owner in the room, and keep the call in that session's
 * history (which also records the tracks a push published). The upstream answer goes back as it is.
 */
export async function relay(c: Context<AppEnv>, room: string, call: RelayedCall): Promise<Response> {
  const { method, path, body, query } = call
  startTime(c, 'calls', `Calls ${method} ${path.replace(/\/sessions\/[^/]+/, '/sessions/:id')}`)
  const upstream = await callUpstream(c.env, method, path, body, query)
  endTime(c, 'calls')
  const media = c.env.ROOM_MEDIA.getByName(room)
  const at = new Date().toISOString()
  const created =
    path === '/sessions/new' && upstream.status < 300 ? (upstream.body as { sessionId?: string }).sessionId : undefined
  if (created) await media.claim(created, call.owner, at)
  const historyOf = call.sessionId ?? created
  if (historyOf) {
    const entries: ProxyHistoryEntry[] = [
      { at, type: 'request', method, endpoint: path, body },
      { at, type: 'response', method, endpoint: path, status: upstream.status, body: upstream.body },
    ]
    const recorded = media.record(historyOf, entries)
    if (call.recordFirst) await recorded
    else c.executionCtx.waitUntil(recorded)
  }
  return c.json(upstream.body as Record<string, unknown>, upstream.status as 200)
}
