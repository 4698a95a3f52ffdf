import * as z from 'zod'
import { IceServer } from './api.ts'

/*
 * Cloudflare's TURN API (spec section B), spoken by the media Worker and served by the local SFU:
 * key management on the account API (Cloudflare's `{success, errors, messages, result}` envelope)
 * and the credential API under `{base}/turn/keys/{keyId}` with the key as bearer.
 */

/** The envelope of every Cloudflare account API response. */
export const cfEnvelope = <T extends z.ZodType>(result: T) =>
  z.looseObject({
    success: z.boolean(),
    errors: z.array(z.looseObject({ code: z.number(), message: z.string() })),
    messages: z.array(z.unknown()).optional(),
    result: result.nullable(),
  })

export const TurnKey = z.looseObject({
  uid: z.string(),
  name: z.string(),
  created: z.string(),
  modified: z.string(),
})
export type TurnKey = z.infer<typeof TurnKey>

/** Only the create answer carries `key`, the bearer secret of the credential API. */
export const TurnKeyCreated = TurnKey.extend({ key: z.string() })
export type TurnKeyCreated = z.infer<typeof TurnKeyCreated>

export const CreateTurnKeyRequest = z.object({ name: z.string().max(200).optional() })
export type CreateTurnKeyRequest = z.infer<typeof CreateTurnKeyRequest>

export const RenameTurnKeyRequest = z.object({ name: z.string().min(1).max(200) })
export type RenameTurnKeyRequest = z.infer<typeof RenameTurnKeyRequest>

/** Credentials live at most 48 h on Cloudflare (FAQ). */
export const MAX_TURN_TTL_SECONDS = 48 * 3600

export const GenerateIceServersRequest = z.looseObject({
  ttl: z.number().int().min(1).max(MAX_TURN_TTL_SECONDS),
  customIdentifier: z.string().max(200).optional(),
})
export type GenerateIceServersRequest = z.infer<typeof GenerateIceServersRequest>

/** A TURN entry of `iceServers`: urls with the credential pair. */
export const TurnIceServer = IceServer.extend({ username: z.string(), credential: z.string() })

/** What `GET /api/ice-servers` answers: the browser's ICE servers and how long they are good for. */
export const BrowserIceServers = z.object({ iceServers: z.array(IceServer), ttl: z.number().int() })
export type BrowserIceServers = z.infer<typeof BrowserIceServers>

/** A TURN username as it reaches the revoke route (Cloudflare's are hex; ours `expiry:id`). */
export const TurnUsername = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\w:.-]+$/)

/** How the media Worker holds a key: `active` mints credentials, `retiring` awaits deletion. */
export const ManagedTurnKey = TurnKey.extend({
  state: z.enum(['active', 'retiring', 'unmanaged']),
  retireAt: z.string().optional(),
})
export type ManagedTurnKey = z.infer<typeof ManagedTurnKey>

/** `GET /api/ops/turn/keys`: every key the media Worker holds. */
export const ManagedTurnKeys = z.object({ keys: z.array(ManagedTurnKey) })
export type ManagedTurnKeys = z.infer<typeof ManagedTurnKeys>

/** `POST /api/ops/turn/keys/rotate`: the new active key, and those now retiring. */
export const RotatedTurnKeys = z.object({ active: ManagedTurnKey, retiring: z.array(ManagedTurnKey) })
export type RotatedTurnKeys = z.infer<typeof RotatedTurnKeys>

export const RotateTurnKeyRequest = z.object({
  /** How long the previous key keeps working; default: the credential TTL. */
  overlapSeconds: z.number().int().min(0).max(MAX_TURN_TTL_SECONDS).optional(),
})
export type RotateTurnKeyRequest = z.infer<typeof RotateTurnKeyRequest>
