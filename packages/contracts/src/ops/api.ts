/**
 * @module
 * The operators' API: what each service answers under `/ops/*`, and the gateway under
 * `/api/ops/*`. Shaped for the ops dashboard's views (overview, rooms, a room's log and state,
 * meetings history, Calls sessions, feedback, TURN keys), so the page needs nothing else.
 */
import * as z from 'zod'
import { ProxyHistoryEntry } from '../calls/api.ts'
import { SystemHealth } from '../health.ts'
import { LoggedEvent, RoomEvent } from '../rooms/events.ts'
import { QuarantineEntry, RoomHealth } from '../rooms/health.ts'
import { RoomErrorCode } from '../rooms/messages.ts'
import { RoomName, RoomState, RoomUserId } from '../rooms/room.ts'
import { Operator } from './operator.ts'

// --- Sign-in ---------------------------------------------------------------------------------

/** `POST /api/ops/session`: the operator token (ADMIN_TOKEN), traded for an HttpOnly cookie. */
export const OpsSessionRequest = z.strictObject({ token: z.string().min(1).max(1024) })
export type OpsSessionRequest = z.infer<typeof OpsSessionRequest>

/** `GET`/`POST`/`DELETE /api/ops/session`: whether this browser is an operator, and how. */
export const OpsSessionResponse = z.object({ operator: Operator.nullable() })
export type OpsSessionResponse = z.infer<typeof OpsSessionResponse>

export const OPS_COOKIE = 'tangerine_ops'

/** A part of an answer its service could not give (down, timed out, or no such data source). */
export const Unavailable = z.object({ status: z.literal('unavailable'), reason: z.string() })
export type Unavailable = z.infer<typeof Unavailable>

// --- Rooms (rooms Worker, its live registry) ------------------------------------------------

/** A room with someone in it, as the room last reported itself to the registry. */
export const LiveRoom = z.object({
  name: RoomName,
  /** In the meeting now. */
  people: z.int().nonnegative(),
  /** Looking in from the lobby. */
  lobby: z.int().nonnegative(),
  /** Most people at once in the current meeting. */
  peak: z.int().nonnegative(),
  meetingId: z.string().nullable(),
  startedAt: z.iso.datetime().nullable(),
  e2ee: z.boolean(),
  /** The AI participant is in the meeting. */
  ai: z.boolean(),
  /** When the room last reported a change. */
  updatedAt: z.iso.datetime(),
})
export type LiveRoom = z.infer<typeof LiveRoom>

/** `GET /api/ops/rooms`: live rooms, busiest first. */
export const LiveRooms = z.object({ rooms: z.array(LiveRoom) })
export type LiveRooms = z.infer<typeof LiveRooms>

/** Comma-separated event types, e.g. `UserJoined,UserLeft`. */
const EventTypes = z
  .string()
  .max(1000)
  .transform((s) => s.split(',').filter(Boolean))
  .pipe(z.array(z.enum(RoomEvent.options.map((o) => o.shape.type.value) as [string, ...string[]])).min(1))

/** `GET /api/ops/rooms/:name/events`: newest first, paged with `before` (a seq), filtered by type and user. */
export const OpsEventsQuery = z.strictObject({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  type: EventTypes.optional(),
  /** A room user id: events they did (actor) or that name them (`data.userId`). */
  user: z.string().min(1).max(64).optional(),
})
export type OpsEventsQuery = z.infer<typeof OpsEventsQuery>

export const OpsEventsPage = z.object({
  events: z.array(LoggedEvent),
  /** The room's latest seq. */
  seq: z.int().nonnegative(),
  /** Pass as `before` for the next (older) page; absent at the start of the log. */
  next: z.int().positive().optional(),
  /** Quarantined rows (#10) whose seq falls in this page's range: shown in place, flagged. */
  quarantined: z.array(QuarantineEntry),
})
export type OpsEventsPage = z.infer<typeof OpsEventsPage>

/** `GET /api/ops/rooms/:name/state?seq=`: the time-travel scrubber. */
export const OpsStateQuery = z.strictObject({ seq: z.coerce.number().int().nonnegative() })

export const OpsStateAt = z.object({
  /** The seq asked for, capped at `latest`. */
  seq: z.int().nonnegative(),
  latest: z.int().nonnegative(),
  /** The log folded with `evolve` (@tangerine/room-model) up to and including `seq`. */
  state: RoomState,
  /** Seqs up to `seq` that the fold left out: quarantined rows and gaps. */
  skipped: z.array(z.int()),
})
export type OpsStateAt = z.infer<typeof OpsStateAt>

/** `GET /api/ops/rooms/:name`: the room's state now, its log position and its log's health. */
export const OpsRoomNow = z.object({ seq: z.int().nonnegative(), state: RoomState, health: RoomHealth })
export type OpsRoomNow = z.infer<typeof OpsRoomNow>

/** `POST /api/ops/rooms/:name/users/:userId/remove`: the person named (every tab of theirs). */
export const OpsRoomUserParam = z.object({ name: RoomName, userId: RoomUserId })

/** What an operator does to a room from the dashboard; the room logs it with the operator's name. */
export const OperatorAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('endMeeting') }),
  z.object({ type: z.literal('removeUser'), userId: RoomUserId }),
])
export type OperatorAction = z.infer<typeof OperatorAction>

/** The room's answer to an operator's action: the seq it reached, or why it refused. */
export const OperatorActionResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), seq: z.int().nonnegative() }),
  z.object({ ok: z.literal(false), code: RoomErrorCode, error: z.string() }),
])
export type OperatorActionResult = z.infer<typeof OperatorActionResult>

/** The rooms Worker's part of the overview. */
export const RoomsOverview = z.object({
  roomsLive: z.int().nonnegative(),
  peopleInMeetings: z.int().nonnegative(),
  /** Meetings started since 00:00 UTC. */
  meetingsToday: z.int().nonnegative(),
  /** Of meetings that ended in the last 30 days. */
  meetingLength: z.object({
    meetings: z.int().nonnegative(),
    medianSeconds: z.number().nullable(),
    p95Seconds: z.number().nullable(),
  }),
})
export type RoomsOverview = z.infer<typeof RoomsOverview>

/** `GET /api/ops/meetings?days=`: history from D1 for the charts. */
export const MeetingsHistoryQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(365).default(30),
})

export const MeetingsHistory = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  /** One entry per UTC day in the range, oldest first, days without meetings included. */
  perDay: z.array(
    z.object({
      date: z.iso.date(),
      meetings: z.int().nonnegative(),
      /** The largest peak of that day's meetings. */
      peakParticipants: z.int().nonnegative(),
    }),
  ),
  /** Ended meetings by length; the last bucket has no upper bound (`toMinutes: null`). */
  durations: z.array(
    z.object({ fromMinutes: z.int().nonnegative(), toMinutes: z.int().positive().nullable(), count: z.int() }),
  ),
  /** The after-call question over the range. */
  quality: z.object({
    answers: z.int().nonnegative(),
    averageRating: z.number().nullable(),
    /** Answers per rating, index 0 for rating 1. */
    distribution: z.array(z.int().nonnegative()).length(5),
  }),
})
export type MeetingsHistory = z.infer<typeof MeetingsHistory>

// --- Media ------------------------------------------------------------------------------------

/** The SFU's counters: the local SFU's `/stats`; Cloudflare Calls has no such API. */
export const SfuStats = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('available'),
    sessions: z.int().nonnegative(),
    /** Packets forwarded since the SFU started. */
    packetsOut: z.int().nonnegative(),
    /** Over the SFU's last whole window of `windowMs` (≥ 1 s); null until one has passed. */
    packetsPerSecond: z.number().nonnegative().nullable(),
    windowMs: z.int().positive().nullable(),
  }),
  Unavailable,
])
export type SfuStats = z.infer<typeof SfuStats>

/** `GET /api/ops/rooms/:name/calls`: the room's Calls sessions, each with its API history. */
export const RoomCallsSessions = z.object({
  room: RoomName,
  sessions: z.array(
    z.object({
      sessionId: z.string(),
      /** The room user id that created it. */
      userId: z.string(),
      createdAt: z.string(),
      /** Last call through the proxy (ms since the epoch). */
      lastAt: z.int(),
      tracks: z.array(z.string()),
      /** Oldest first; `body` is absent where the call had none (a GET), as JSON leaves out undefined. */
      history: z.array(ProxyHistoryEntry.extend({ body: z.unknown().optional() })),
    }),
  ),
})
export type RoomCallsSessions = z.infer<typeof RoomCallsSessions>

// --- Feedback ---------------------------------------------------------------------------------

export const ReportStatus = z.enum(['queued', 'delivered', 'dead'])

/** A problem report as the ops view lists it (the card itself went to FEEDBACK_URL). */
export const RecentReport = z.object({
  id: z.uuid(),
  at: z.iso.datetime(),
  status: ReportStatus,
  room: z.string().optional(),
  /** The start of the description (at most 120 characters: it travels as KV list metadata). */
  summary: z.string(),
  reporter: z.string().optional(),
})
export type RecentReport = z.infer<typeof RecentReport>

export const RecentReportsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) })

/** `GET /api/ops/feedback/reports`: newest first. */
export const RecentReports = z.object({ reports: z.array(RecentReport) })
export type RecentReports = z.infer<typeof RecentReports>

/** The feedback Worker's part of the overview. */
export const FeedbackSummary = z.object({
  /** Reports not yet delivered nor dead, of the last 30 days. */
  backlog: z.int().nonnegative(),
  deadLetters: z.int().nonnegative(),
})
export type FeedbackSummary = z.infer<typeof FeedbackSummary>

// --- Overview (the gateway) -------------------------------------------------------------------

/** `GET /api/ops/overview`: each part from its service; a service that fails leaves its part unavailable. */
export const OpsOverview = z.object({
  at: z.iso.datetime(),
  rooms: z.union([RoomsOverview, Unavailable]),
  sfu: SfuStats,
  feedback: z.union([FeedbackSummary, Unavailable]),
  health: SystemHealth,
})
export type OpsOverview = z.infer<typeof OpsOverview>
