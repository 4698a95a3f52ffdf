import { z } from 'zod'
import { DisplayName } from './rooms/room.ts'

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
})
export type Identity = z.infer<typeof Identity>

export const IDENTITY_HEADER = 'x-tangerine-identity'

const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')

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

export const SESSION_COOKIE = 'tangerine_session'
