import * as z from 'zod'
import { DisplayName, sanitizeDisplayName } from './rooms/room.ts'

/**
 * The user directory's answer to `GET {USER_DIRECTORY_URL}/users/{email}`: who this person is.
 * Unknown fields are ignored, so a directory can say more than we read.
 */
export const DirectoryUser = z.object({
  /** Trusted but not controlled by us: hidden characters are dropped, and a name left empty is refused. */
  name: z
    .string()
    .max(256)
    .transform((raw) => sanitizeDisplayName(raw) ?? '')
    .pipe(DisplayName),
  avatarUrl: z.url().optional(),
  profileUrl: z.url().optional(),
})
export type DirectoryUser = z.infer<typeof DirectoryUser>

/** The claims of a Cloudflare Access application token that the gateway reads. */
export const AccessClaims = z.object({
  email: z.email(),
  sub: z.string().optional(),
  name: z.string().optional(),
})
export type AccessClaims = z.infer<typeof AccessClaims>
