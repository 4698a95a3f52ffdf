import type { z } from 'zod'
import { AiControlRequest, AiSessionResponse, AiUserRequest, InviteAiRequest } from './ai/api.ts'
import { FeedbackAccepted, FeedbackRequest } from './feedback.ts'
import { SystemHealth } from './health.ts'
import { SessionRequest, SessionResponse } from './identity.ts'
import { CallQualityAnswer } from './rooms/call-quality.ts'
import { RoomState } from './rooms/room.ts'

/**
 * The API as the web app calls it, browser and server side alike: each JSON route's method, path
 * (hono style, `:param`), the body the Worker behind the gateway validates, and the answer for
 * each status it succeeds with (`null`: no body). The web gets its one typed client from this
 * table, so it never compiles a service to know a route; the gateway's tests check that each path
 * here is one it serves.
 */
export interface JsonRoute {
  method: 'GET' | 'POST'
  path: `/api/${string}`
  body?: z.ZodType
  answers: Readonly<Partial<Record<number, z.ZodType | null>>>
}

/** What the ai Worker answers once the room has decided: the AI's state after the change. */
const AiChanged = RoomState.pick({ ai: true })

export const publicApi = {
  /** Who the gateway says the caller is (Access or the lobby's cookie). */
  getSession: { method: 'GET', path: '/api/session', answers: { 200: SessionResponse } },
  /** The lobby's name form; sets the session cookie. */
  setSession: { method: 'POST', path: '/api/session', body: SessionRequest, answers: { 200: SessionResponse } },
  /** Every service's health; 503 when something is down, with the same report. */
  health: { method: 'GET', path: '/api/health', answers: { 200: SystemHealth, 503: SystemHealth } },
  /** The after-call question. */
  callQuality: { method: 'POST', path: '/api/rooms/:name/quality', body: CallQualityAnswer, answers: { 204: null } },
  /** The room's AI participant: invite (answered once it has joined), dismiss, push-to-talk. */
  inviteAi: { method: 'POST', path: '/api/rooms/:name/ai', body: InviteAiRequest, answers: { 201: AiSessionResponse } },
  dismissAi: { method: 'POST', path: '/api/rooms/:name/ai/dismiss', body: AiUserRequest, answers: { 200: AiChanged } },
  takeAiControl: {
    method: 'POST',
    path: '/api/rooms/:name/ai/control',
    body: AiControlRequest,
    answers: { 200: AiChanged },
  },
  releaseAiControl: {
    method: 'POST',
    path: '/api/rooms/:name/ai/release',
    body: AiUserRequest,
    answers: { 200: AiChanged },
  },
  /** "Report a problem". */
  feedback: { method: 'POST', path: '/api/feedback', body: FeedbackRequest, answers: { 202: FeedbackAccepted } },
} as const satisfies Record<string, JsonRoute>
export type PublicApi = typeof publicApi
export type PublicRoute = keyof PublicApi

/**
 * The paths libraries call for us: the room socket (partysocket's `basePath`) and the Calls API
 * (partytracks' `prefix`), which the gateway passes to the rooms and media Workers.
 */
export const publicPaths = { roomSocket: '/api/rooms/:name/ws', partytracks: '/api/partytracks' } as const

/** The `:param` names in a path. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never

/** `path` with each `:param` replaced by its value, URI-encoded. */
export function routePath<P extends string>(path: P, params: Record<PathParams<P>, string>): string {
  const values: Record<string, string> = params
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`${path} needs :${name}`)
    return encodeURIComponent(value)
  })
}
