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

/**
 * The claims of a Cloudflare Access application token that the gateway reads
 * (https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/application-token/).
 * A person's token has `email`, `sub` (their id) and `identity_nonce` (the key to their identity
 * at get-identity), and no name. A service token's has no email: `common_name` is the token's
 * Client ID and `sub` is empty.
 */
export const AccessClaims = z.object({
  email: z.email().optional(),
  sub: z.string().optional(),
  identity_nonce: z.string().min(1).max(200).optional(),
  common_name: z.string().optional(),
})
export type AccessClaims = z.infer<typeof AccessClaims>

/**
 * What the gateway reads of Access's `GET …/cdn-cgi/access/get-identity`: the documented
 * `email` (https://developers.cloudflare.com/api/resources/zero_trust/subresources/access/subresources/users/,
 * "access_identity"), and the `name` the identity provider gave, where it gave one. Unknown fields
 * (groups, idp, geo, devices…) are ignored.
 */
export const AccessIdentity = z.object({
  email: z.email(),
  name: z.string().max(256).optional(),
})
export type AccessIdentity = z.infer<typeof AccessIdentity>
