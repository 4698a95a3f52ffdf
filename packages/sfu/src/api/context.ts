import type { SessionRegistry } from '../sessions/registry.ts'
import type { Session } from '../sessions/session.ts'
import type { Logger } from '../log.ts'

/** What every session-scoped operation gets: the caller's app and session. */
export interface OperationContext {
  appId: string
  session: Session
  registry: SessionRegistry
  log: Logger
  /** How long an operation that needs the transport waits for it (`Session.waitForTransport`). */
  transportWaitMs: number
}
