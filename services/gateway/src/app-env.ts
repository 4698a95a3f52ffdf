import type { Identity } from '@tangerine/contracts'

export type AppEnv = {
  Bindings: GatewayEnv
  Variables: { identity: Identity | undefined }
}
