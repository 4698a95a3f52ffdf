import * as z from 'zod'
import { RoomName, RoomUserId } from '../rooms/room.ts'

/**
 * Wire schemas for the Calls (Realtime SFU) API v1, section A of calls-api.md.
 * Every object is loose: apps append arbitrary fields and Cloudflare tolerates them,
 * so the local SFU and the client must too.
 */

export const MAX_TRACKS_PER_REQUEST = 64

export const SessionDescription = z.looseObject({
  type: z.enum(['offer', 'answer']),
  sdp: z.string().min(1),
})
export type SessionDescription = z.infer<typeof SessionDescription>

export const TrackLocation = z.enum(['local', 'remote'])
export type TrackLocation = z.infer<typeof TrackLocation>

export const TrackKind = z.enum(['audio', 'video'])
export type TrackKind = z.infer<typeof TrackKind>

/** `asciibetical` makes "a" the best layer; `none` leaves the choice to the SFU. */
export const SimulcastPolicy = z.enum(['none', 'asciibetical'])

export const Simulcast = z.looseObject({
  preferredRid: z.string().optional(),
  priorityOrdering: SimulcastPolicy.optional(),
  ridNotAvailable: SimulcastPolicy.optional(),
})
export type Simulcast = z.infer<typeof Simulcast>

export const TrackObject = z.looseObject({
  location: TrackLocation.optional(),
  trackName: z.string().optional(),
  sessionId: z.string().optional(),
  mid: z.string().optional(),
  kind: TrackKind.optional(),
  bidirectionalMediaStream: z.boolean().optional(),
  simulcast: Simulcast.optional(),
})
export type TrackObject = z.infer<typeof TrackObject>

/** `errorCode`/`errorDescription` ride on the top level and on every item. */
export const ErrorFields = {
  errorCode: z.string().optional(),
  errorDescription: z.string().optional(),
}

export const TopLevelErrorCode = z.enum([
  'unauthorized',
  'not_found',
  'decoding_error',
  'invalid_params',
  'payload_too_large',
  'session_error',
  'invalid_session_description',
  'retryable_transient_error',
  'temporarily_unavailable_error',
  'transport_unavailable_error',
  'backend_error',
  'internal_error',
])
export type TopLevelErrorCode = z.infer<typeof TopLevelErrorCode>

export const ItemErrorCode = z.enum([
  'not_found_track_error',
  'empty_track_error',
  'repeated_local_track_error',
  'update_track_error',
  'close_track_error',
  'internal_error',
])
export type ItemErrorCode = z.infer<typeof ItemErrorCode>

export const ErrorResponse = z.looseObject({
  errorCode: z.string(),
  errorDescription: z.string(),
})
export type ErrorResponse = z.infer<typeof ErrorResponse>

// --- sessions/new -----------------------------------------------------------

/** Legacy pattern (calls-examples) sends an offer here; the current one sends no body. */
export const NewSessionRequest = z.looseObject({
  sessionDescription: SessionDescription.optional(),
})
export type NewSessionRequest = z.infer<typeof NewSessionRequest>

export const NewSessionResponse = z.looseObject({
  sessionId: z.string(),
  sessionDescription: SessionDescription.optional(),
  ...ErrorFields,
})
export type NewSessionResponse = z.infer<typeof NewSessionResponse>

// --- tracks/new -------------------------------------------------------------

export const TracksRequest = z.looseObject({
  sessionDescription: SessionDescription.optional(),
  tracks: z.array(TrackObject).max(MAX_TRACKS_PER_REQUEST).optional(),
  autoDiscover: z.boolean().optional(),
})
export type TracksRequest = z.infer<typeof TracksRequest>

export const TrackResult = z.looseObject({
  location: TrackLocation.optional(),
  trackName: z.string().optional(),
  sessionId: z.string().optional(),
  mid: z.string().optional(),
  kind: TrackKind.optional(),
  simulcast: Simulcast.optional(),
  ...ErrorFields,
})
export type TrackResult = z.infer<typeof TrackResult>

export const TracksResponse = z.looseObject({
  requiresImmediateRenegotiation: z.boolean().optional(),
  sessionDescription: SessionDescription.optional(),
  tracks: z.array(TrackResult).optional(),
  ...ErrorFields,
})
export type TracksResponse = z.infer<typeof TracksResponse>

// --- renegotiate ------------------------------------------------------------

export const RenegotiateRequest = z.looseObject({
  sessionDescription: SessionDescription,
})
export type RenegotiateRequest = z.infer<typeof RenegotiateRequest>

/** `{}` on success; an answer only when the client sent an offer (UNCONFIRMED upstream). */
export const RenegotiateResponse = z.looseObject({
  sessionDescription: SessionDescription.optional(),
  ...ErrorFields,
})
export type RenegotiateResponse = z.infer<typeof RenegotiateResponse>

// --- tracks/close -----------------------------------------------------------

export const CloseTrackObject = z.looseObject({ mid: z.string() })

/** With `force: false` the endpoint's offer is required; the SFU refuses its absence (`invalid_params`). */
export const CloseTracksRequest = z.looseObject({
  tracks: z.array(CloseTrackObject).min(1).max(MAX_TRACKS_PER_REQUEST),
  force: z.boolean(),
  sessionDescription: SessionDescription.optional(),
})
export type CloseTracksRequest = z.infer<typeof CloseTracksRequest>

export const CloseTracksResponse = z.looseObject({
  requiresImmediateRenegotiation: z.boolean().optional(),
  sessionDescription: SessionDescription.optional(),
  tracks: z.array(z.looseObject({ mid: z.string(), ...ErrorFields })).optional(),
  ...ErrorFields,
})
export type CloseTracksResponse = z.infer<typeof CloseTracksResponse>

// --- tracks/update ----------------------------------------------------------

export const UpdateTrackObject = z.looseObject({
  location: z.literal('remote').optional(),
  sessionId: z.string().optional(),
  trackName: z.string().optional(),
  mid: z.string(),
  simulcast: Simulcast.optional(),
})

export const UpdateTracksRequest = z.looseObject({
  tracks: z.array(UpdateTrackObject).min(1).max(MAX_TRACKS_PER_REQUEST),
  sessionDescription: SessionDescription.optional(),
})
export type UpdateTracksRequest = z.infer<typeof UpdateTracksRequest>

export const UpdateTracksResponse = z.looseObject({
  requiresImmediateRenegotiation: z.boolean().optional(),
  sessionDescription: SessionDescription.optional(),
  tracks: z
    .array(
      z.looseObject({
        mid: z.string().optional(),
        sessionId: z.string().optional(),
        trackName: z.string().optional(),
        simulcast: Simulcast.optional(),
        ...ErrorFields,
      }),
    )
    .optional(),
  ...ErrorFields,
})
export type UpdateTracksResponse = z.infer<typeof UpdateTracksResponse>

// --- GET session ------------------------------------------------------------

/** `waiting` is the older schema's name for `initializing`. */
export const TrackStatus = z.enum(['active', 'inactive', 'initializing', 'waiting'])
export type TrackStatus = z.infer<typeof TrackStatus>

export const SessionTrackState = z.looseObject({
  location: TrackLocation,
  mid: z.string().optional(),
  trackName: z.string().optional(),
  sessionId: z.string().optional(),
  status: TrackStatus,
})
export type SessionTrackState = z.infer<typeof SessionTrackState>

export const SessionDataChannelState = z.looseObject({
  location: TrackLocation,
  sessionId: z.string().optional(),
  dataChannelName: z.string(),
  id: z.number().int(),
  status: TrackStatus,
})
export type SessionDataChannelState = z.infer<typeof SessionDataChannelState>

export const GetSessionResponse = z.looseObject({
  tracks: z.array(SessionTrackState),
  dataChannels: z.array(SessionDataChannelState).default([]),
  ...ErrorFields,
})
export type GetSessionResponse = z.infer<typeof GetSessionResponse>

// --- data channels ---

export const DataChannelObject = z.looseObject({
  location: TrackLocation,
  dataChannelName: z.string(),
  sessionId: z.string().optional(),
  ordered: z.boolean().optional(),
  maxRetransmits: z.number().int().nonnegative().optional(),
  maxPacketLifeTime: z.number().int().nonnegative().optional(),
  waitForAck: z.boolean().optional(),
  canReply: z.boolean().optional(),
})
export type DataChannelObject = z.infer<typeof DataChannelObject>

export const EstablishDataChannelRequest = z.looseObject({
  dataChannel: DataChannelObject,
  sessionDescription: SessionDescription.optional(),
})
export type EstablishDataChannelRequest = z.infer<typeof EstablishDataChannelRequest>

export const EstablishDataChannelResponse = z.looseObject({
  requiresImmediateRenegotiation: z.boolean().optional(),
  dataChannel: z.looseObject({ dataChannelName: z.string(), id: z.number().int() }).optional(),
  sessionDescription: SessionDescription.optional(),
  ...ErrorFields,
})
export type EstablishDataChannelResponse = z.infer<typeof EstablishDataChannelResponse>

export const NewDataChannelsRequest = z.looseObject({
  dataChannels: z.array(DataChannelObject).min(1).max(MAX_TRACKS_PER_REQUEST),
})
export type NewDataChannelsRequest = z.infer<typeof NewDataChannelsRequest>

/**
 * One channel's result in `datachannels/new`, `update` and `close`: the channel as the session
 * holds it (its `id` on this endpoint, and for a subscription the publisher's `sessionId`), or an
 * item error.
 */
export const DataChannelResult = z.looseObject({
  location: TrackLocation.optional(),
  dataChannelName: z.string().optional(),
  sessionId: z.string().optional(),
  id: z.number().int().optional(),
  canReply: z.boolean().optional(),
  ...ErrorFields,
})
export type DataChannelResult = z.infer<typeof DataChannelResult>

export const NewDataChannelsResponse = z.looseObject({
  dataChannels: z.array(DataChannelResult).optional(),
  ...ErrorFields,
})
export type NewDataChannelsResponse = z.infer<typeof NewDataChannelsResponse>

/**
 * `PUT …/datachannels/update`: whether a subscriber may send back to the publisher. The documented
 * body names the subscription as `datachannels/new` did (`location`, the publisher's `sessionId`,
 * `dataChannelName`); its `id` on this session names it too. A missing `canReply` is `false`, its
 * documented default.
 */
export const UpdateDataChannelObject = z.looseObject({
  location: z.literal('remote').optional(),
  sessionId: z.string().optional(),
  dataChannelName: z.string().optional(),
  id: z.number().int().optional(),
  canReply: z.boolean().optional(),
})
export type UpdateDataChannelObject = z.infer<typeof UpdateDataChannelObject>

export const UpdateDataChannelsRequest = z.looseObject({
  dataChannels: z.array(UpdateDataChannelObject).min(1).max(MAX_TRACKS_PER_REQUEST),
})
export type UpdateDataChannelsRequest = z.infer<typeof UpdateDataChannelsRequest>

export const UpdateDataChannelsResponse = z.looseObject({
  dataChannels: z.array(DataChannelResult).optional(),
  ...ErrorFields,
})
export type UpdateDataChannelsResponse = z.infer<typeof UpdateDataChannelsResponse>

export const CloseDataChannelsRequest = z.looseObject({
  dataChannels: z.array(z.looseObject({ id: z.number().int() })).min(1),
})
export type CloseDataChannelsRequest = z.infer<typeof CloseDataChannelsRequest>

// --- Tangerine's proxy (services/media) ------------------------------------

/**
 * What the browser adds to every partytracks call (its `apiExtraParams`): the room it is in and
 * its user id there. The media service checks both against the room before forwarding.
 */
export const ProxyQuery = z.looseObject({
  room: RoomName,
  user: RoomUserId,
})
export type ProxyQuery = z.infer<typeof ProxyQuery>

/** One request or response through the proxy, as kept for a session's debug view. */
export const ProxyHistoryEntry = z.object({
  at: z.iso.datetime(),
  type: z.enum(['request', 'response']),
  method: z.string(),
  endpoint: z.string(),
  status: z.number().int().optional(),
  body: z.unknown(),
})
export type ProxyHistoryEntry = z.infer<typeof ProxyHistoryEntry>

// --- TURN (spec section B) --------------------------------------------------

export const IceServer = z.looseObject({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
})
export type IceServer = z.infer<typeof IceServer>

/** `generate-ice-servers`: what the browser passes to `RTCPeerConnection({ iceServers })`. */
export const IceServersResponse = z.looseObject({ iceServers: z.array(IceServer) })
export type IceServersResponse = z.infer<typeof IceServersResponse>

export const CloseDataChannelsResponse = z.looseObject({
  dataChannels: z.array(DataChannelResult).optional(),
  ...ErrorFields,
})
export type CloseDataChannelsResponse = z.infer<typeof CloseDataChannelsResponse>
