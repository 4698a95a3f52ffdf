import { z } from 'zod'

/** Room names are URL path segments chosen by people: short, lowercase, readable. */
export const RoomName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase letters, digits and single dashes')
export type RoomName = z.infer<typeof RoomName>

export const DisplayName = z.string().trim().min(1).max(64)

/** A Calls track published by a user, named as partytracks names it: `{sessionId}/{trackName}`. */
export const TrackRef = z.string().min(1).max(200)

export const UserTracks = z.object({
  audio: TrackRef.optional(),
  audioEnabled: z.boolean().default(false),
  audioUnavailable: z.boolean().default(false),
  video: TrackRef.optional(),
  videoEnabled: z.boolean().default(false),
  screenshare: TrackRef.optional(),
  screenShareEnabled: z.boolean().default(false),
})
export type UserTracks = z.infer<typeof UserTracks>

export const User = z.object({
  id: z.string().min(1).max(64),
  name: DisplayName,
  transceiverSessionId: z.string().max(64).optional(),
  raisedHand: z.boolean().default(false),
  speaking: z.boolean().default(false),
  joined: z.boolean().default(false),
  tracks: UserTracks,
})
export type User = z.infer<typeof User>

export const AiState = z.object({
  enabled: z.boolean(),
  controllingUser: z.string().optional(),
  connectionPending: z.boolean().optional(),
  error: z.string().optional(),
})
export type AiState = z.infer<typeof AiState>

export const RoomState = z.object({
  meetingId: z.string().optional(),
  users: z.array(User),
  ai: AiState,
})
export type RoomState = z.infer<typeof RoomState>
