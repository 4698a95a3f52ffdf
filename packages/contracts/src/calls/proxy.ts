import * as z from 'zod'
import { MAX_TRACKS_PER_REQUEST, SimulcastPolicy, TrackKind, TrackLocation } from './api.ts'

/*
 * What a browser may send through the media Worker's Calls proxy. The Calls schemas in api.ts are
 * loose (Calls tolerates unknown fields, so the SFU must too); these are strict at every level,
 * so a field the proxy does not know — one that might name another room's session — is refused
 * rather than forwarded unchecked. The only field here that names a session is `sessionId`, and
 * `sessionIdsIn` collects it wherever it sits (test/calls-proxy.unit.test.ts keeps it that way).
 */

const Description = z.strictObject({ type: z.enum(['offer', 'answer']), sdp: z.string().min(1) })

/**
 * A layer's name as SDP writes it: rid-id = 1*(alpha-numeric / "-" / "_") (RFC 8851 §10), at most
 * 16 bytes, all an RTP header extension element can carry (RFC 8285 §4.2); Chromium's are "a"–"c".
 */
export const Rid = z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'a rid is 1–16 letters, digits, "-" or "_"')

const ProxySimulcast = z.strictObject({
  preferredRid: Rid.optional(),
  priorityOrdering: SimulcastPolicy.optional(),
  ridNotAvailable: SimulcastPolicy.optional(),
  // Older names of the two policies (calls-api.md A.4), still accepted by Calls.
  fallbackStrategy: SimulcastPolicy.optional(),
  ridUnavailableStrategy: SimulcastPolicy.optional(),
})

const ProxyTrack = z.strictObject({
  location: TrackLocation.optional(),
  trackName: z.string().max(200).optional(),
  /** Another session's (a pull): must be of the caller's room, and publish `trackName`. */
  sessionId: z.string().max(64).optional(),
  /** A transceiver of the caller's own session (`#trackName` names one by its track). */
  mid: z.string().max(200).optional(),
  kind: TrackKind.optional(),
  bidirectionalMediaStream: z.boolean().optional(),
  simulcast: ProxySimulcast.optional(),
})

export const ProxyNewSessionRequest = z.strictObject({ sessionDescription: Description.optional() })

export const ProxyTracksRequest = z.strictObject({
  sessionDescription: Description.optional(),
  tracks: z.array(ProxyTrack).max(MAX_TRACKS_PER_REQUEST).optional(),
  autoDiscover: z.boolean().optional(),
})
export type ProxyTracksRequest = z.infer<typeof ProxyTracksRequest>

export const ProxyRenegotiateRequest = z.strictObject({ sessionDescription: Description })

export const ProxyCloseTracksRequest = z.strictObject({
  tracks: z
    .array(z.strictObject({ mid: z.string().max(200) }))
    .min(1)
    .max(MAX_TRACKS_PER_REQUEST),
  force: z.boolean(),
  sessionDescription: Description.optional(),
})

export const ProxyUpdateTracksRequest = z.strictObject({
  tracks: z
    .array(ProxyTrack.extend({ location: z.literal('remote').optional(), mid: z.string().max(200) }))
    .min(1)
    .max(MAX_TRACKS_PER_REQUEST),
  sessionDescription: Description.optional(),
})

/** Every proxied body schema, for the rule that checks them all alike. */
export const proxyRequestSchemas = {
  ProxyNewSessionRequest,
  ProxyTracksRequest,
  ProxyRenegotiateRequest,
  ProxyCloseTracksRequest,
  ProxyUpdateTracksRequest,
}

/** Every `sessionId` anywhere in a (validated) proxy body: the sessions it names. */
export function sessionIdsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(sessionIdsIn)
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, v]) =>
    key === 'sessionId' && typeof v === 'string' ? [v] : sessionIdsIn(v),
  )
}

type Entry = { location?: string; sessionId?: string; trackName?: string }

/**
 * Whether an entry takes media from a session: any that names a session, says `remote`, or names a
 * track without saying `local` (Calls' behaviour for a missing location is not documented).
 */
const isPull = (t: Entry) =>
  t.sessionId !== undefined || t.location === 'remote' || (t.location === undefined && t.trackName !== undefined)

/**
 * The tracks a body takes from sessions: each such entry must name both the session and its
 * track, or it is `undefined` (and refused).
 */
export function pullsIn(body: { tracks?: Entry[] } | undefined) {
  return (body?.tracks ?? [])
    .filter(isPull)
    .map((t) => (t.sessionId && t.trackName ? { sessionId: t.sessionId, trackName: t.trackName } : undefined))
}

/** A request that takes nothing from any session: what it answers with is published on the caller's own. */
export const onlyPushes = (body: { tracks?: Entry[] } | undefined) => (body?.tracks ?? []).every((t) => !isPull(t))
