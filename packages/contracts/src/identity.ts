import * as z from 'zod'
import { DisplayName, type RoomState } from './rooms/room.ts'

/** A user key: 16 lowercase hex digits (64 bits of an HMAC). */
export const UserKey = z.string().regex(/^[0-9a-f]{16}$/)

/**
 * Who is calling, as the gateway established it. Services behind the gateway read it from
 * IDENTITY_HEADER, which the gateway always overwrites, so a browser can never set it.
 */
export const Identity = z.object({
  name: DisplayName,
  email: z.email().optional(),
  avatarUrl: z.url().optional(),
  profileUrl: z.url().optional(),
  /** How the gateway knows: Cloudflare Access, the lobby's session cookie, or nothing. */
  source: z.enum(['access', 'session', 'anonymous']),
  /**
   * The caller's user key: a pseudonym the gateway derives (HMAC) from who they are — the Access
   * email, or the session cookie's own id — so it can neither be chosen nor forged. Every room
   * user id of theirs starts with it (see `ownsUserId`). Absent only for anonymous guests.
   */
  key: UserKey.optional(),
})
export type Identity = z.infer<typeof Identity>

/**
 * Whether `userId` (a room user id: a tab's partysocket id) is one of this caller's. Room ids are
 * `<key><tab>`, so anybody may see them in a room's state and none can use another's. Anonymous
 * guests (only with DISABLE_LOBBY_ENFORCEMENT) have no key and so no such protection.
 */
export function ownsUserId(identity: Identity, userId: string): boolean {
  if (identity.source === 'anonymous') return true
  return !!identity.key && userId.startsWith(identity.key) && userId.length > identity.key.length
}

/** The room's user `userId`, if it is there and is this caller's. */
export function memberOf(state: RoomState, userId: string, identity: Identity) {
  return ownsUserId(identity, userId) ? state.users.find((u) => u.id === userId) : undefined
}

export const IDENTITY_HEADER = 'x-tangerine-identity'

const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')

/** Header-safe form: base64url of the JSON, so any display name survives HTTP headers. */
export function encodeIdentity(identity: Identity): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify(Identity.parse(identity))))
}

export function decodeIdentity(header: string | null | undefined): Identity | undefined {
  if (!header) return undefined
  try {
    const binary = atob(header.replaceAll('-', '+').replaceAll('_', '/'))
    const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))
    const parsed = Identity.safeParse(JSON.parse(json))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

/** `POST /api/session`: the lobby's chosen display name, kept in a signed cookie. */
export const SessionRequest = z.strictObject({ name: DisplayName })
export type SessionRequest = z.infer<typeof SessionRequest>

/** `GET`/`POST`/`DELETE /api/session`: who the gateway says this browser is, if anyone. */
export const SessionResponse = z.object({ identity: Identity.nullable() })
export type SessionResponse = z.infer<typeof SessionResponse>

export const SESSION_COOKIE = 'tangerine_session'
