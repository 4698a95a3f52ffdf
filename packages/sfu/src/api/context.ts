import type { SessionRegistry } from '../sessions/registry.ts'
import type { Session } from '../sessions/session.ts'
import type { Logger } from '../log.ts'

/** What every session-scoped operation gets: the caller's app and session. */
export interface OperationContext {
  appId: string
  session: Session
  registry: SessionRegistry
  log: Logger
}
