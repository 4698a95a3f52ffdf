import { DEFAULT_LIMITS, type RoomLimits } from './decide.ts'

/** The room's settings from its Worker's vars, each with its default when unset or not a number. */

/** How often a socket must speak (any frame) to count as present; the sweep runs at this pace. */
export const heartbeatMsOf = (env: Cloudflare.Env) => Number(env.HEARTBEAT_INTERVAL_MS) || 5000

export const limitsOf = (env: Cloudflare.Env): RoomLimits => ({
  participants: Number(env.MAX_PARTICIPANTS) || DEFAULT_LIMITS.participants,
  lobby: Number(env.MAX_LOBBY) || DEFAULT_LIMITS.lobby,
  perIdentity: Number(env.MAX_USERS_PER_IDENTITY) || DEFAULT_LIMITS.perIdentity,
})
