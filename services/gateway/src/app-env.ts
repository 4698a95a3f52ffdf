import type { Identity } from '@tangerine/contracts'
import type { Operator } from '@tangerine/contracts/ops/operator'

export type AppEnv = {
  Bindings: GatewayEnv
  Variables: { identity: Identity | undefined; operator: Operator | undefined }
}
