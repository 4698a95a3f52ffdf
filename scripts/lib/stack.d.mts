export declare const root: string
export declare const workerConfigs: string[]
export declare function buildWeb(): Promise<void>
export declare function ensureDevVars(): void
export declare function applyD1Migrations(persistTo: string): Promise<void>
export interface Stack {
  url: string
  /** Stops every child (the SFU with its coturn, wrangler with its workerd) within a few seconds. */
  stop(): Promise<void>
  /** Stops `wrangler dev` alone and starts it again on the same port and state (the SFU untouched). */
  restartWorkers: Workers['restart']
  output: string[]
  /** The running SFU's pid (it changes when the supervisor restarts it); also in `persistTo/sfu.pid`. */
  sfuPid(): number | undefined
}
export declare function startStack(options?: {
  port?: number
  persistTo?: string
  stdio?: 'inherit' | 'pipe'
  timeoutMs?: number
  /** Where the feedback consumer POSTs cards; unset, it logs them (as `npm run dev` does). */
  feedbackUrl?: string
  /** With `feedbackUrl`: an undeliverable report is dead after two tries at once, not half an hour (the e2e stack). */
  quickDeadLetters?: boolean
}): Promise<Stack>
/** The gateway's local ADMIN_TOKEN (services/gateway/.dev.vars), if one is set. */
export declare function operatorToken(): string | undefined
export declare const SFU_PORT: number
export declare const TURN_PORT: number
/** The local SFU and its coturn, restarted with backoff when it dies; `stop` ends its whole process group. */
export declare function startSfu(options?: {
  stdio?: 'inherit' | 'pipe'
  persistTo?: string
  port?: number
  turnPort?: number
}): Promise<{ stop(): Promise<void>; output: string[]; pid(): number | undefined }>
/** Every Worker under one `wrangler dev`, healthy (the media Worker's check reaches the SFU). */
export interface Workers {
  url: string
  /** Stops wrangler with its workerd, SIGKILLed after 5 s. */
  stop(): Promise<void>
  /** Stops the Workers, runs `whileDown`, starts them again on the same port and state; resolves once healthy. */
  restart(options?: { whileDown?: () => Promise<unknown> }): Promise<void>
  output: string[]
}
export declare function startWorkers(options: {
  root: string
  /** Wrangler configs; the first is served on `port`. */
  configs: string[]
  port: number
  persistTo: string
  stdio?: 'inherit' | 'pipe'
  timeoutMs?: number
}): Promise<Workers>
