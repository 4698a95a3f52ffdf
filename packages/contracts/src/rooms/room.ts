import * as z from 'zod'

/** Room names are URL path segments chosen by people: short, lowercase, readable. */
export const RoomName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase letters, digits and single dashes')
export type RoomName = z.infer<typeof RoomName>

/** A route's `:name` segment, the room it acts on. */
export const RoomParam = z.object({ name: RoomName })

/**
 * A browser tab's id in a room (partysocket's `_pk`, the room socket's `you`): the caller's user
 * key then a tab part, so the rooms, media and ai Workers can tell whose it is (`ownsUserId`).
 */
export const RoomUserId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/)
export type RoomUserId = z.infer<typeof RoomUserId>

/**
 * Characters that let one name pass for another or hide what it says: controls, format characters
 * (bidi overrides and isolates, zero-width characters, the BOM), lone surrogates, and line and
 * paragraph separators.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u

const normalizeName = (name: string) => name.normalize('NFC').replace(/\s+/g, ' ').trim()

/**
 * A name someone gives themself (lobby, `userUpdate`, identity): refused if it hides characters,
 * then normalized (NFC, trimmed, runs of whitespace as one space), so what is shown is what was typed.
 */
export const DisplayName = z
  .string()
  .max(256)
  .refine((name) => !HIDDEN.test(name), 'control and invisible characters are not allowed in a name')
  .overwrite(normalizeName)
  .min(1)
  .max(64)

/**
 * A name from a source we trust but do not control (Access, the user directory): hidden characters
 * dropped (breaks become spaces), then normalized. Undefined if nothing readable is left.
 */
export function sanitizeDisplayName(raw: string): string | undefined {
  const cleaned = raw.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ').replace(/[\p{Cf}\p{Cs}]/gu, '')
  const parsed = DisplayName.safeParse(cleaned)
  return parsed.success ? parsed.data : undefined
}

/**
 * A name as the log and the room's state hold it. Events never change, and older ones were
 * written under the laxer rule, so reading them must not refuse what was accepted then.
 */
export const LoggedName = z.string().trim().min(1).max(64)

/** A Calls track published by a user, named as partytracks names it: `{sessionId}/{trackName}`. */
export const TrackRef = z.string().min(1).max(200)

export const UserTracks = z.object({
  audio: TrackRef.optional(),
  audioEnabled: z.boolean(),
  audioUnavailable: z.boolean(),
  video: TrackRef.optional(),
  videoEnabled: z.boolean(),
  screenshare: TrackRef.optional(),
  screenShareEnabled: z.boolean(),
})
export type UserTracks = z.infer<typeof UserTracks>

/** A change to some of a user's tracks: what is absent stays as it is (no defaults here). */
export const UserTracksPatch = z.strictObject({
  audio: TrackRef.optional(),
  audioEnabled: z.boolean().optional(),
  audioUnavailable: z.boolean().optional(),
  video: TrackRef.optional(),
  videoEnabled: z.boolean().optional(),
  screenshare: TrackRef.optional(),
  screenShareEnabled: z.boolean().optional(),
})

export const User = z.object({
  id: z.string().min(1).max(64),
  name: LoggedName,
  /** The name comes from Access (or the user directory) and cannot be changed in the room. */
  verified: z.boolean().default(false),
  transceiverSessionId: z.string().max(64).optional(),
  raisedHand: z.boolean(),
  speaking: z.boolean(),
  /** In the meeting, as opposed to looking in from the lobby. */
  joined: z.boolean(),
  tracks: UserTracks,
  /** The log position at which they joined the meeting: the longest present becomes host next. */
  joinedSeq: z.number().int().positive().optional(),
})
export type User = z.infer<typeof User>

/** What a user may change about themself; hands and mutes have their own messages. */
export const UserPatch = z.strictObject({
  name: DisplayName.optional(),
  transceiverSessionId: z.string().max(64).optional(),
  speaking: z.boolean().optional(),
  joined: z.boolean().optional(),
  tracks: UserTracksPatch.optional(),
})
export type UserPatch = z.infer<typeof UserPatch>

/**
 * The AI participant, one status at a time, each with only what it has. A lobby's view of a
 * joined AI leaves out its session and track (they would let the lobby pull its voice).
 */
export const AiState = z.discriminatedUnion('status', [
  z.object({ status: z.literal('absent') }),
  /** Invited, not yet connected. */
  z.object({ status: z.literal('pending') }),
  z.object({
    status: z.literal('joined'),
    sessionId: z.string().optional(),
    trackName: z.string().optional(),
    /** Who is talking to it (push-to-talk), if anyone. */
    controllingUser: z.string().optional(),
  }),
  /** It could not join; inviting it again tries anew. */
  z.object({ status: z.literal('failed'), error: z.string() }),
])
export type AiState = z.infer<typeof AiState>

export const ChatMessage = z.object({
  id: z.string(),
  seq: z.number().int().positive(),
  userId: z.string(),
  name: z.string(),
  message: z.string(),
  at: z.iso.datetime(),
})
export type ChatMessage = z.infer<typeof ChatMessage>

/** How many chat messages the room state carries; older ones stay in the log. */
export const CHAT_HISTORY_IN_STATE = 100

export const RoomState = z.object({
  meetingId: z.string().optional(),
  meetingStartedAt: z.iso.datetime().optional(),
  peakUserCount: z.number().int().nonnegative(),
  users: z.array(User),
  ai: AiState,
  chat: z.array(ChatMessage),
  /** Who may mute, remove, lock and end: the first to join, then whoever it is handed to. */
  host: z.string().optional(),
  /** Locked by the host: nobody new joins the meeting (the lobby still sees who is there). */
  locked: z.boolean().optional(),
  /** Whom the host put on everyone's stage: a joined user's id (cleared when they leave the meeting). */
  spotlight: z.string().optional(),
  /** User keys (or, for guests without one, user ids) the host removed, barred until the meeting ends. */
  removed: z.array(z.string()).optional(),
  /** The meeting is end-to-end encrypted (the host chose it on opening; absent when no meeting runs). */
  e2ee: z.boolean().optional(),
  /** The MLS group's epoch as of the last Commit the room took (0 before any); the lobby is not told. */
  mlsEpoch: z.number().int().nonnegative().optional(),
  /** The meeting's MLS group id (absent until the room names a creator); the lobby is not told. */
  mlsGroup: z.string().optional(),
  /**
   * Who holds the MLS group, in the order they got it: its creator, then each person as a taken
   * Commit's Welcome reached them; leaving the meeting takes them out. The first one commits the
   * group's changes (the others only if it does not). The lobby is not told.
   */
  mlsMembers: z.array(z.string()).optional(),
})
export type RoomState = z.infer<typeof RoomState>
