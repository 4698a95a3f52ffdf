import type { MaybeIdentity } from '@tangerine/contracts/identity-middleware'

/** `identity` is set by `forwardedIdentity()` on the routes browsers reach through the gateway. */
export type AppEnv = { Bindings: MediaEnv } & MaybeIdentity
